-- Search backed by an index (issue 19 item 8): a pg_trgm GIN index on LOWER() of every searched column (the
-- schema's `search`), the expression the list's search compares, so `LOWER(col) LIKE '%…%'` with three or more
-- characters finds a Chinese substring anywhere in the table through the index. PostgreSQL keeps the indexes on
-- every write (the bulk import's included); building them here indexes the existing rows. pg_trgm ships with the
-- server (Debian's postgresql-NN package); trigrams of Chinese need a UTF-8 LC_CTYPE (C.UTF-8 is). The tables are
-- analysed at the end: statistics of the new LOWER() expressions let the planner tell a text found in a tenth of a
-- table (walk the list's order, keep the matches) from one found in three rows (read them by the index).
CREATE EXTENSION IF NOT EXISTS pg_trgm;


CREATE INDEX regions_name_trgm ON regions USING gin (LOWER(name) gin_trgm_ops);
CREATE INDEX regions_aliases_trgm ON regions USING gin (LOWER(aliases) gin_trgm_ops);
CREATE INDEX regions_code_trgm ON regions USING gin (LOWER(code) gin_trgm_ops);

CREATE INDEX orgs_name_trgm ON orgs USING gin (LOWER(name) gin_trgm_ops);
CREATE INDEX orgs_short_name_trgm ON orgs USING gin (LOWER(short_name) gin_trgm_ops);
CREATE INDEX orgs_note_trgm ON orgs USING gin (LOWER(note) gin_trgm_ops);

CREATE INDEX programs_name_trgm ON programs USING gin (LOWER(name) gin_trgm_ops);
CREATE INDEX programs_description_trgm ON programs USING gin (LOWER(description) gin_trgm_ops);

CREATE INDEX pairings_note_trgm ON pairings USING gin (LOWER(note) gin_trgm_ops);

CREATE INDEX documents_title_trgm ON documents USING gin (LOWER(title) gin_trgm_ops);
CREATE INDEX documents_file_name_trgm ON documents USING gin (LOWER(file_name) gin_trgm_ops);
CREATE INDEX documents_text_trgm ON documents USING gin (LOWER(text) gin_trgm_ops);
CREATE INDEX documents_note_trgm ON documents USING gin (LOWER(note) gin_trgm_ops);

CREATE INDEX agreements_title_trgm ON agreements USING gin (LOWER(title) gin_trgm_ops);
CREATE INDEX agreements_note_trgm ON agreements USING gin (LOWER(note) gin_trgm_ops);

CREATE INDEX obligations_title_trgm ON obligations USING gin (LOWER(title) gin_trgm_ops);
CREATE INDEX obligations_note_trgm ON obligations USING gin (LOWER(note) gin_trgm_ops);

CREATE INDEX needs_title_trgm ON needs USING gin (LOWER(title) gin_trgm_ops);
CREATE INDEX needs_description_trgm ON needs USING gin (LOWER(description) gin_trgm_ops);

CREATE INDEX project_groups_name_trgm ON project_groups USING gin (LOWER(name) gin_trgm_ops);
CREATE INDEX project_groups_description_trgm ON project_groups USING gin (LOWER(description) gin_trgm_ops);

CREATE INDEX project_group_shares_note_trgm ON project_group_shares USING gin (LOWER(note) gin_trgm_ops);

CREATE INDEX projects_name_trgm ON projects USING gin (LOWER(name) gin_trgm_ops);
CREATE INDEX projects_description_trgm ON projects USING gin (LOWER(description) gin_trgm_ops);
CREATE INDEX projects_plan_batch_trgm ON projects USING gin (LOWER(plan_batch) gin_trgm_ops);

CREATE INDEX project_funding_note_trgm ON project_funding USING gin (LOWER(note) gin_trgm_ops);

CREATE INDEX transactions_note_trgm ON transactions USING gin (LOWER(note) gin_trgm_ops);

CREATE INDEX outputs_name_trgm ON outputs USING gin (LOWER(name) gin_trgm_ops);

CREATE INDEX people_name_trgm ON people USING gin (LOWER(name) gin_trgm_ops);
CREATE INDEX people_title_trgm ON people USING gin (LOWER(title) gin_trgm_ops);
CREATE INDEX people_note_trgm ON people USING gin (LOWER(note) gin_trgm_ops);

CREATE INDEX dispatches_post_trgm ON dispatches USING gin (LOWER(post) gin_trgm_ops);
CREATE INDEX dispatches_note_trgm ON dispatches USING gin (LOWER(note) gin_trgm_ops);

CREATE INDEX stints_note_trgm ON stints USING gin (LOWER(note) gin_trgm_ops);

CREATE INDEX appraisals_comment_trgm ON appraisals USING gin (LOWER(comment) gin_trgm_ops);

CREATE INDEX activities_title_trgm ON activities USING gin (LOWER(title) gin_trgm_ops);
CREATE INDEX activities_participants_trgm ON activities USING gin (LOWER(participants) gin_trgm_ops);
CREATE INDEX activities_description_trgm ON activities USING gin (LOWER(description) gin_trgm_ops);

CREATE INDEX activity_counts_what_trgm ON activity_counts USING gin (LOWER(what) gin_trgm_ops);
CREATE INDEX activity_counts_note_trgm ON activity_counts USING gin (LOWER(note) gin_trgm_ops);

CREATE INDEX activity_items_name_trgm ON activity_items USING gin (LOWER(name) gin_trgm_ops);
CREATE INDEX activity_items_note_trgm ON activity_items USING gin (LOWER(note) gin_trgm_ops);

CREATE INDEX funds_title_trgm ON funds USING gin (LOWER(title) gin_trgm_ops);
CREATE INDEX funds_note_trgm ON funds USING gin (LOWER(note) gin_trgm_ops);

CREATE INDEX indicators_code_trgm ON indicators USING gin (LOWER(code) gin_trgm_ops);
CREATE INDEX indicators_name_trgm ON indicators USING gin (LOWER(name) gin_trgm_ops);
CREATE INDEX indicators_description_trgm ON indicators USING gin (LOWER(description) gin_trgm_ops);

CREATE INDEX indicator_values_source_trgm ON indicator_values USING gin (LOWER(source) gin_trgm_ops);
CREATE INDEX indicator_values_note_trgm ON indicator_values USING gin (LOWER(note) gin_trgm_ops);

CREATE INDEX notes_text_trgm ON notes USING gin (LOWER(text) gin_trgm_ops);

CREATE INDEX supervisions_note_trgm ON supervisions USING gin (LOWER(note) gin_trgm_ops);
CREATE INDEX supervisions_resolution_trgm ON supervisions USING gin (LOWER(resolution) gin_trgm_ops);

CREATE INDEX extractions_quote_trgm ON extractions USING gin (LOWER(quote) gin_trgm_ops);
CREATE INDEX extractions_measure_trgm ON extractions USING gin (LOWER(measure) gin_trgm_ops);

CREATE INDEX assessments_comments_trgm ON assessments USING gin (LOWER(comments) gin_trgm_ops);
CREATE INDEX assessments_rating_trgm ON assessments USING gin (LOWER(rating) gin_trgm_ops);

CREATE INDEX unit_tasks_title_trgm ON unit_tasks USING gin (LOWER(title) gin_trgm_ops);
CREATE INDEX unit_tasks_note_trgm ON unit_tasks USING gin (LOWER(note) gin_trgm_ops);

CREATE INDEX unit_task_notes_text_trgm ON unit_task_notes USING gin (LOWER(text) gin_trgm_ops);

ANALYZE regions, orgs, programs, pairings, documents, agreements, obligations, needs, project_groups, project_group_shares, projects, project_funding, transactions, outputs, people, dispatches, stints, appraisals, activities, activity_counts, activity_items, funds, indicators, indicator_values, notes, supervisions, extractions, assessments, unit_tasks, unit_task_notes;

-- Search backed by an index (issue 19 item 8): every searched entity's search columns (the schema's `search`) in an
-- FTS5 table with the trigram tokenizer, so a search of three or more characters finds a Chinese substring anywhere
-- in the table through the index instead of reading rows. Each index is external-content (it stores only the
-- trigrams, the text stays in the entity table), filled from the existing rows here and kept by triggers on insert,
-- delete and update of the searched columns — which cover every write path, the bulk import's multi-row INSERTs
-- included. Shorter searches (one or two characters) cannot use trigrams and read a bounded window instead
-- (src/list.rs).


CREATE VIRTUAL TABLE regions_search USING fts5(name, aliases, code, content='regions', content_rowid='id', tokenize='trigram');
INSERT INTO regions_search(regions_search) VALUES ('rebuild');
CREATE TRIGGER regions_search_ins AFTER INSERT ON regions BEGIN INSERT INTO regions_search(rowid, name, aliases, code) VALUES (new.id, new.name, new.aliases, new.code); END;
CREATE TRIGGER regions_search_del AFTER DELETE ON regions BEGIN INSERT INTO regions_search(regions_search, rowid, name, aliases, code) VALUES ('delete', old.id, old.name, old.aliases, old.code); END;
CREATE TRIGGER regions_search_upd AFTER UPDATE OF id, name, aliases, code ON regions BEGIN
    INSERT INTO regions_search(regions_search, rowid, name, aliases, code) VALUES ('delete', old.id, old.name, old.aliases, old.code);
    INSERT INTO regions_search(rowid, name, aliases, code) VALUES (new.id, new.name, new.aliases, new.code);
END;

CREATE VIRTUAL TABLE orgs_search USING fts5(name, short_name, note, content='orgs', content_rowid='id', tokenize='trigram');
INSERT INTO orgs_search(orgs_search) VALUES ('rebuild');
CREATE TRIGGER orgs_search_ins AFTER INSERT ON orgs BEGIN INSERT INTO orgs_search(rowid, name, short_name, note) VALUES (new.id, new.name, new.short_name, new.note); END;
CREATE TRIGGER orgs_search_del AFTER DELETE ON orgs BEGIN INSERT INTO orgs_search(orgs_search, rowid, name, short_name, note) VALUES ('delete', old.id, old.name, old.short_name, old.note); END;
CREATE TRIGGER orgs_search_upd AFTER UPDATE OF id, name, short_name, note ON orgs BEGIN
    INSERT INTO orgs_search(orgs_search, rowid, name, short_name, note) VALUES ('delete', old.id, old.name, old.short_name, old.note);
    INSERT INTO orgs_search(rowid, name, short_name, note) VALUES (new.id, new.name, new.short_name, new.note);
END;

CREATE VIRTUAL TABLE programs_search USING fts5(name, description, content='programs', content_rowid='id', tokenize='trigram');
INSERT INTO programs_search(programs_search) VALUES ('rebuild');
CREATE TRIGGER programs_search_ins AFTER INSERT ON programs BEGIN INSERT INTO programs_search(rowid, name, description) VALUES (new.id, new.name, new.description); END;
CREATE TRIGGER programs_search_del AFTER DELETE ON programs BEGIN INSERT INTO programs_search(programs_search, rowid, name, description) VALUES ('delete', old.id, old.name, old.description); END;
CREATE TRIGGER programs_search_upd AFTER UPDATE OF id, name, description ON programs BEGIN
    INSERT INTO programs_search(programs_search, rowid, name, description) VALUES ('delete', old.id, old.name, old.description);
    INSERT INTO programs_search(rowid, name, description) VALUES (new.id, new.name, new.description);
END;

CREATE VIRTUAL TABLE pairings_search USING fts5(note, content='pairings', content_rowid='id', tokenize='trigram');
INSERT INTO pairings_search(pairings_search) VALUES ('rebuild');
CREATE TRIGGER pairings_search_ins AFTER INSERT ON pairings BEGIN INSERT INTO pairings_search(rowid, note) VALUES (new.id, new.note); END;
CREATE TRIGGER pairings_search_del AFTER DELETE ON pairings BEGIN INSERT INTO pairings_search(pairings_search, rowid, note) VALUES ('delete', old.id, old.note); END;
CREATE TRIGGER pairings_search_upd AFTER UPDATE OF id, note ON pairings BEGIN
    INSERT INTO pairings_search(pairings_search, rowid, note) VALUES ('delete', old.id, old.note);
    INSERT INTO pairings_search(rowid, note) VALUES (new.id, new.note);
END;

CREATE VIRTUAL TABLE documents_search USING fts5(title, file_name, text, note, content='documents', content_rowid='id', tokenize='trigram');
INSERT INTO documents_search(documents_search) VALUES ('rebuild');
CREATE TRIGGER documents_search_ins AFTER INSERT ON documents BEGIN INSERT INTO documents_search(rowid, title, file_name, text, note) VALUES (new.id, new.title, new.file_name, new.text, new.note); END;
CREATE TRIGGER documents_search_del AFTER DELETE ON documents BEGIN INSERT INTO documents_search(documents_search, rowid, title, file_name, text, note) VALUES ('delete', old.id, old.title, old.file_name, old.text, old.note); END;
CREATE TRIGGER documents_search_upd AFTER UPDATE OF id, title, file_name, text, note ON documents BEGIN
    INSERT INTO documents_search(documents_search, rowid, title, file_name, text, note) VALUES ('delete', old.id, old.title, old.file_name, old.text, old.note);
    INSERT INTO documents_search(rowid, title, file_name, text, note) VALUES (new.id, new.title, new.file_name, new.text, new.note);
END;

CREATE VIRTUAL TABLE agreements_search USING fts5(title, note, content='agreements', content_rowid='id', tokenize='trigram');
INSERT INTO agreements_search(agreements_search) VALUES ('rebuild');
CREATE TRIGGER agreements_search_ins AFTER INSERT ON agreements BEGIN INSERT INTO agreements_search(rowid, title, note) VALUES (new.id, new.title, new.note); END;
CREATE TRIGGER agreements_search_del AFTER DELETE ON agreements BEGIN INSERT INTO agreements_search(agreements_search, rowid, title, note) VALUES ('delete', old.id, old.title, old.note); END;
CREATE TRIGGER agreements_search_upd AFTER UPDATE OF id, title, note ON agreements BEGIN
    INSERT INTO agreements_search(agreements_search, rowid, title, note) VALUES ('delete', old.id, old.title, old.note);
    INSERT INTO agreements_search(rowid, title, note) VALUES (new.id, new.title, new.note);
END;

CREATE VIRTUAL TABLE obligations_search USING fts5(title, note, content='obligations', content_rowid='id', tokenize='trigram');
INSERT INTO obligations_search(obligations_search) VALUES ('rebuild');
CREATE TRIGGER obligations_search_ins AFTER INSERT ON obligations BEGIN INSERT INTO obligations_search(rowid, title, note) VALUES (new.id, new.title, new.note); END;
CREATE TRIGGER obligations_search_del AFTER DELETE ON obligations BEGIN INSERT INTO obligations_search(obligations_search, rowid, title, note) VALUES ('delete', old.id, old.title, old.note); END;
CREATE TRIGGER obligations_search_upd AFTER UPDATE OF id, title, note ON obligations BEGIN
    INSERT INTO obligations_search(obligations_search, rowid, title, note) VALUES ('delete', old.id, old.title, old.note);
    INSERT INTO obligations_search(rowid, title, note) VALUES (new.id, new.title, new.note);
END;

CREATE VIRTUAL TABLE needs_search USING fts5(title, description, content='needs', content_rowid='id', tokenize='trigram');
INSERT INTO needs_search(needs_search) VALUES ('rebuild');
CREATE TRIGGER needs_search_ins AFTER INSERT ON needs BEGIN INSERT INTO needs_search(rowid, title, description) VALUES (new.id, new.title, new.description); END;
CREATE TRIGGER needs_search_del AFTER DELETE ON needs BEGIN INSERT INTO needs_search(needs_search, rowid, title, description) VALUES ('delete', old.id, old.title, old.description); END;
CREATE TRIGGER needs_search_upd AFTER UPDATE OF id, title, description ON needs BEGIN
    INSERT INTO needs_search(needs_search, rowid, title, description) VALUES ('delete', old.id, old.title, old.description);
    INSERT INTO needs_search(rowid, title, description) VALUES (new.id, new.title, new.description);
END;

CREATE VIRTUAL TABLE project_groups_search USING fts5(name, description, content='project_groups', content_rowid='id', tokenize='trigram');
INSERT INTO project_groups_search(project_groups_search) VALUES ('rebuild');
CREATE TRIGGER project_groups_search_ins AFTER INSERT ON project_groups BEGIN INSERT INTO project_groups_search(rowid, name, description) VALUES (new.id, new.name, new.description); END;
CREATE TRIGGER project_groups_search_del AFTER DELETE ON project_groups BEGIN INSERT INTO project_groups_search(project_groups_search, rowid, name, description) VALUES ('delete', old.id, old.name, old.description); END;
CREATE TRIGGER project_groups_search_upd AFTER UPDATE OF id, name, description ON project_groups BEGIN
    INSERT INTO project_groups_search(project_groups_search, rowid, name, description) VALUES ('delete', old.id, old.name, old.description);
    INSERT INTO project_groups_search(rowid, name, description) VALUES (new.id, new.name, new.description);
END;

CREATE VIRTUAL TABLE project_group_shares_search USING fts5(note, content='project_group_shares', content_rowid='id', tokenize='trigram');
INSERT INTO project_group_shares_search(project_group_shares_search) VALUES ('rebuild');
CREATE TRIGGER project_group_shares_search_ins AFTER INSERT ON project_group_shares BEGIN INSERT INTO project_group_shares_search(rowid, note) VALUES (new.id, new.note); END;
CREATE TRIGGER project_group_shares_search_del AFTER DELETE ON project_group_shares BEGIN INSERT INTO project_group_shares_search(project_group_shares_search, rowid, note) VALUES ('delete', old.id, old.note); END;
CREATE TRIGGER project_group_shares_search_upd AFTER UPDATE OF id, note ON project_group_shares BEGIN
    INSERT INTO project_group_shares_search(project_group_shares_search, rowid, note) VALUES ('delete', old.id, old.note);
    INSERT INTO project_group_shares_search(rowid, note) VALUES (new.id, new.note);
END;

CREATE VIRTUAL TABLE projects_search USING fts5(name, description, plan_batch, content='projects', content_rowid='id', tokenize='trigram');
INSERT INTO projects_search(projects_search) VALUES ('rebuild');
CREATE TRIGGER projects_search_ins AFTER INSERT ON projects BEGIN INSERT INTO projects_search(rowid, name, description, plan_batch) VALUES (new.id, new.name, new.description, new.plan_batch); END;
CREATE TRIGGER projects_search_del AFTER DELETE ON projects BEGIN INSERT INTO projects_search(projects_search, rowid, name, description, plan_batch) VALUES ('delete', old.id, old.name, old.description, old.plan_batch); END;
CREATE TRIGGER projects_search_upd AFTER UPDATE OF id, name, description, plan_batch ON projects BEGIN
    INSERT INTO projects_search(projects_search, rowid, name, description, plan_batch) VALUES ('delete', old.id, old.name, old.description, old.plan_batch);
    INSERT INTO projects_search(rowid, name, description, plan_batch) VALUES (new.id, new.name, new.description, new.plan_batch);
END;

CREATE VIRTUAL TABLE project_funding_search USING fts5(note, content='project_funding', content_rowid='id', tokenize='trigram');
INSERT INTO project_funding_search(project_funding_search) VALUES ('rebuild');
CREATE TRIGGER project_funding_search_ins AFTER INSERT ON project_funding BEGIN INSERT INTO project_funding_search(rowid, note) VALUES (new.id, new.note); END;
CREATE TRIGGER project_funding_search_del AFTER DELETE ON project_funding BEGIN INSERT INTO project_funding_search(project_funding_search, rowid, note) VALUES ('delete', old.id, old.note); END;
CREATE TRIGGER project_funding_search_upd AFTER UPDATE OF id, note ON project_funding BEGIN
    INSERT INTO project_funding_search(project_funding_search, rowid, note) VALUES ('delete', old.id, old.note);
    INSERT INTO project_funding_search(rowid, note) VALUES (new.id, new.note);
END;

CREATE VIRTUAL TABLE transactions_search USING fts5(note, content='transactions', content_rowid='id', tokenize='trigram');
INSERT INTO transactions_search(transactions_search) VALUES ('rebuild');
CREATE TRIGGER transactions_search_ins AFTER INSERT ON transactions BEGIN INSERT INTO transactions_search(rowid, note) VALUES (new.id, new.note); END;
CREATE TRIGGER transactions_search_del AFTER DELETE ON transactions BEGIN INSERT INTO transactions_search(transactions_search, rowid, note) VALUES ('delete', old.id, old.note); END;
CREATE TRIGGER transactions_search_upd AFTER UPDATE OF id, note ON transactions BEGIN
    INSERT INTO transactions_search(transactions_search, rowid, note) VALUES ('delete', old.id, old.note);
    INSERT INTO transactions_search(rowid, note) VALUES (new.id, new.note);
END;

CREATE VIRTUAL TABLE outputs_search USING fts5(name, content='outputs', content_rowid='id', tokenize='trigram');
INSERT INTO outputs_search(outputs_search) VALUES ('rebuild');
CREATE TRIGGER outputs_search_ins AFTER INSERT ON outputs BEGIN INSERT INTO outputs_search(rowid, name) VALUES (new.id, new.name); END;
CREATE TRIGGER outputs_search_del AFTER DELETE ON outputs BEGIN INSERT INTO outputs_search(outputs_search, rowid, name) VALUES ('delete', old.id, old.name); END;
CREATE TRIGGER outputs_search_upd AFTER UPDATE OF id, name ON outputs BEGIN
    INSERT INTO outputs_search(outputs_search, rowid, name) VALUES ('delete', old.id, old.name);
    INSERT INTO outputs_search(rowid, name) VALUES (new.id, new.name);
END;

CREATE VIRTUAL TABLE people_search USING fts5(name, title, note, content='people', content_rowid='id', tokenize='trigram');
INSERT INTO people_search(people_search) VALUES ('rebuild');
CREATE TRIGGER people_search_ins AFTER INSERT ON people BEGIN INSERT INTO people_search(rowid, name, title, note) VALUES (new.id, new.name, new.title, new.note); END;
CREATE TRIGGER people_search_del AFTER DELETE ON people BEGIN INSERT INTO people_search(people_search, rowid, name, title, note) VALUES ('delete', old.id, old.name, old.title, old.note); END;
CREATE TRIGGER people_search_upd AFTER UPDATE OF id, name, title, note ON people BEGIN
    INSERT INTO people_search(people_search, rowid, name, title, note) VALUES ('delete', old.id, old.name, old.title, old.note);
    INSERT INTO people_search(rowid, name, title, note) VALUES (new.id, new.name, new.title, new.note);
END;

CREATE VIRTUAL TABLE dispatches_search USING fts5(post, note, content='dispatches', content_rowid='id', tokenize='trigram');
INSERT INTO dispatches_search(dispatches_search) VALUES ('rebuild');
CREATE TRIGGER dispatches_search_ins AFTER INSERT ON dispatches BEGIN INSERT INTO dispatches_search(rowid, post, note) VALUES (new.id, new.post, new.note); END;
CREATE TRIGGER dispatches_search_del AFTER DELETE ON dispatches BEGIN INSERT INTO dispatches_search(dispatches_search, rowid, post, note) VALUES ('delete', old.id, old.post, old.note); END;
CREATE TRIGGER dispatches_search_upd AFTER UPDATE OF id, post, note ON dispatches BEGIN
    INSERT INTO dispatches_search(dispatches_search, rowid, post, note) VALUES ('delete', old.id, old.post, old.note);
    INSERT INTO dispatches_search(rowid, post, note) VALUES (new.id, new.post, new.note);
END;

CREATE VIRTUAL TABLE stints_search USING fts5(note, content='stints', content_rowid='id', tokenize='trigram');
INSERT INTO stints_search(stints_search) VALUES ('rebuild');
CREATE TRIGGER stints_search_ins AFTER INSERT ON stints BEGIN INSERT INTO stints_search(rowid, note) VALUES (new.id, new.note); END;
CREATE TRIGGER stints_search_del AFTER DELETE ON stints BEGIN INSERT INTO stints_search(stints_search, rowid, note) VALUES ('delete', old.id, old.note); END;
CREATE TRIGGER stints_search_upd AFTER UPDATE OF id, note ON stints BEGIN
    INSERT INTO stints_search(stints_search, rowid, note) VALUES ('delete', old.id, old.note);
    INSERT INTO stints_search(rowid, note) VALUES (new.id, new.note);
END;

CREATE VIRTUAL TABLE appraisals_search USING fts5(comment, content='appraisals', content_rowid='id', tokenize='trigram');
INSERT INTO appraisals_search(appraisals_search) VALUES ('rebuild');
CREATE TRIGGER appraisals_search_ins AFTER INSERT ON appraisals BEGIN INSERT INTO appraisals_search(rowid, comment) VALUES (new.id, new.comment); END;
CREATE TRIGGER appraisals_search_del AFTER DELETE ON appraisals BEGIN INSERT INTO appraisals_search(appraisals_search, rowid, comment) VALUES ('delete', old.id, old.comment); END;
CREATE TRIGGER appraisals_search_upd AFTER UPDATE OF id, comment ON appraisals BEGIN
    INSERT INTO appraisals_search(appraisals_search, rowid, comment) VALUES ('delete', old.id, old.comment);
    INSERT INTO appraisals_search(rowid, comment) VALUES (new.id, new.comment);
END;

CREATE VIRTUAL TABLE activities_search USING fts5(title, participants, description, content='activities', content_rowid='id', tokenize='trigram');
INSERT INTO activities_search(activities_search) VALUES ('rebuild');
CREATE TRIGGER activities_search_ins AFTER INSERT ON activities BEGIN INSERT INTO activities_search(rowid, title, participants, description) VALUES (new.id, new.title, new.participants, new.description); END;
CREATE TRIGGER activities_search_del AFTER DELETE ON activities BEGIN INSERT INTO activities_search(activities_search, rowid, title, participants, description) VALUES ('delete', old.id, old.title, old.participants, old.description); END;
CREATE TRIGGER activities_search_upd AFTER UPDATE OF id, title, participants, description ON activities BEGIN
    INSERT INTO activities_search(activities_search, rowid, title, participants, description) VALUES ('delete', old.id, old.title, old.participants, old.description);
    INSERT INTO activities_search(rowid, title, participants, description) VALUES (new.id, new.title, new.participants, new.description);
END;

CREATE VIRTUAL TABLE activity_counts_search USING fts5(what, note, content='activity_counts', content_rowid='id', tokenize='trigram');
INSERT INTO activity_counts_search(activity_counts_search) VALUES ('rebuild');
CREATE TRIGGER activity_counts_search_ins AFTER INSERT ON activity_counts BEGIN INSERT INTO activity_counts_search(rowid, what, note) VALUES (new.id, new.what, new.note); END;
CREATE TRIGGER activity_counts_search_del AFTER DELETE ON activity_counts BEGIN INSERT INTO activity_counts_search(activity_counts_search, rowid, what, note) VALUES ('delete', old.id, old.what, old.note); END;
CREATE TRIGGER activity_counts_search_upd AFTER UPDATE OF id, what, note ON activity_counts BEGIN
    INSERT INTO activity_counts_search(activity_counts_search, rowid, what, note) VALUES ('delete', old.id, old.what, old.note);
    INSERT INTO activity_counts_search(rowid, what, note) VALUES (new.id, new.what, new.note);
END;

CREATE VIRTUAL TABLE activity_items_search USING fts5(name, note, content='activity_items', content_rowid='id', tokenize='trigram');
INSERT INTO activity_items_search(activity_items_search) VALUES ('rebuild');
CREATE TRIGGER activity_items_search_ins AFTER INSERT ON activity_items BEGIN INSERT INTO activity_items_search(rowid, name, note) VALUES (new.id, new.name, new.note); END;
CREATE TRIGGER activity_items_search_del AFTER DELETE ON activity_items BEGIN INSERT INTO activity_items_search(activity_items_search, rowid, name, note) VALUES ('delete', old.id, old.name, old.note); END;
CREATE TRIGGER activity_items_search_upd AFTER UPDATE OF id, name, note ON activity_items BEGIN
    INSERT INTO activity_items_search(activity_items_search, rowid, name, note) VALUES ('delete', old.id, old.name, old.note);
    INSERT INTO activity_items_search(rowid, name, note) VALUES (new.id, new.name, new.note);
END;

CREATE VIRTUAL TABLE funds_search USING fts5(title, note, content='funds', content_rowid='id', tokenize='trigram');
INSERT INTO funds_search(funds_search) VALUES ('rebuild');
CREATE TRIGGER funds_search_ins AFTER INSERT ON funds BEGIN INSERT INTO funds_search(rowid, title, note) VALUES (new.id, new.title, new.note); END;
CREATE TRIGGER funds_search_del AFTER DELETE ON funds BEGIN INSERT INTO funds_search(funds_search, rowid, title, note) VALUES ('delete', old.id, old.title, old.note); END;
CREATE TRIGGER funds_search_upd AFTER UPDATE OF id, title, note ON funds BEGIN
    INSERT INTO funds_search(funds_search, rowid, title, note) VALUES ('delete', old.id, old.title, old.note);
    INSERT INTO funds_search(rowid, title, note) VALUES (new.id, new.title, new.note);
END;

CREATE VIRTUAL TABLE indicators_search USING fts5(code, name, description, content='indicators', content_rowid='id', tokenize='trigram');
INSERT INTO indicators_search(indicators_search) VALUES ('rebuild');
CREATE TRIGGER indicators_search_ins AFTER INSERT ON indicators BEGIN INSERT INTO indicators_search(rowid, code, name, description) VALUES (new.id, new.code, new.name, new.description); END;
CREATE TRIGGER indicators_search_del AFTER DELETE ON indicators BEGIN INSERT INTO indicators_search(indicators_search, rowid, code, name, description) VALUES ('delete', old.id, old.code, old.name, old.description); END;
CREATE TRIGGER indicators_search_upd AFTER UPDATE OF id, code, name, description ON indicators BEGIN
    INSERT INTO indicators_search(indicators_search, rowid, code, name, description) VALUES ('delete', old.id, old.code, old.name, old.description);
    INSERT INTO indicators_search(rowid, code, name, description) VALUES (new.id, new.code, new.name, new.description);
END;

CREATE VIRTUAL TABLE indicator_values_search USING fts5(source, note, content='indicator_values', content_rowid='id', tokenize='trigram');
INSERT INTO indicator_values_search(indicator_values_search) VALUES ('rebuild');
CREATE TRIGGER indicator_values_search_ins AFTER INSERT ON indicator_values BEGIN INSERT INTO indicator_values_search(rowid, source, note) VALUES (new.id, new.source, new.note); END;
CREATE TRIGGER indicator_values_search_del AFTER DELETE ON indicator_values BEGIN INSERT INTO indicator_values_search(indicator_values_search, rowid, source, note) VALUES ('delete', old.id, old.source, old.note); END;
CREATE TRIGGER indicator_values_search_upd AFTER UPDATE OF id, source, note ON indicator_values BEGIN
    INSERT INTO indicator_values_search(indicator_values_search, rowid, source, note) VALUES ('delete', old.id, old.source, old.note);
    INSERT INTO indicator_values_search(rowid, source, note) VALUES (new.id, new.source, new.note);
END;

CREATE VIRTUAL TABLE notes_search USING fts5(text, content='notes', content_rowid='id', tokenize='trigram');
INSERT INTO notes_search(notes_search) VALUES ('rebuild');
CREATE TRIGGER notes_search_ins AFTER INSERT ON notes BEGIN INSERT INTO notes_search(rowid, text) VALUES (new.id, new.text); END;
CREATE TRIGGER notes_search_del AFTER DELETE ON notes BEGIN INSERT INTO notes_search(notes_search, rowid, text) VALUES ('delete', old.id, old.text); END;
CREATE TRIGGER notes_search_upd AFTER UPDATE OF id, text ON notes BEGIN
    INSERT INTO notes_search(notes_search, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO notes_search(rowid, text) VALUES (new.id, new.text);
END;

CREATE VIRTUAL TABLE supervisions_search USING fts5(note, resolution, content='supervisions', content_rowid='id', tokenize='trigram');
INSERT INTO supervisions_search(supervisions_search) VALUES ('rebuild');
CREATE TRIGGER supervisions_search_ins AFTER INSERT ON supervisions BEGIN INSERT INTO supervisions_search(rowid, note, resolution) VALUES (new.id, new.note, new.resolution); END;
CREATE TRIGGER supervisions_search_del AFTER DELETE ON supervisions BEGIN INSERT INTO supervisions_search(supervisions_search, rowid, note, resolution) VALUES ('delete', old.id, old.note, old.resolution); END;
CREATE TRIGGER supervisions_search_upd AFTER UPDATE OF id, note, resolution ON supervisions BEGIN
    INSERT INTO supervisions_search(supervisions_search, rowid, note, resolution) VALUES ('delete', old.id, old.note, old.resolution);
    INSERT INTO supervisions_search(rowid, note, resolution) VALUES (new.id, new.note, new.resolution);
END;

CREATE VIRTUAL TABLE extractions_search USING fts5(quote, measure, content='extractions', content_rowid='id', tokenize='trigram');
INSERT INTO extractions_search(extractions_search) VALUES ('rebuild');
CREATE TRIGGER extractions_search_ins AFTER INSERT ON extractions BEGIN INSERT INTO extractions_search(rowid, quote, measure) VALUES (new.id, new.quote, new.measure); END;
CREATE TRIGGER extractions_search_del AFTER DELETE ON extractions BEGIN INSERT INTO extractions_search(extractions_search, rowid, quote, measure) VALUES ('delete', old.id, old.quote, old.measure); END;
CREATE TRIGGER extractions_search_upd AFTER UPDATE OF id, quote, measure ON extractions BEGIN
    INSERT INTO extractions_search(extractions_search, rowid, quote, measure) VALUES ('delete', old.id, old.quote, old.measure);
    INSERT INTO extractions_search(rowid, quote, measure) VALUES (new.id, new.quote, new.measure);
END;

CREATE VIRTUAL TABLE assessments_search USING fts5(comments, rating, content='assessments', content_rowid='id', tokenize='trigram');
INSERT INTO assessments_search(assessments_search) VALUES ('rebuild');
CREATE TRIGGER assessments_search_ins AFTER INSERT ON assessments BEGIN INSERT INTO assessments_search(rowid, comments, rating) VALUES (new.id, new.comments, new.rating); END;
CREATE TRIGGER assessments_search_del AFTER DELETE ON assessments BEGIN INSERT INTO assessments_search(assessments_search, rowid, comments, rating) VALUES ('delete', old.id, old.comments, old.rating); END;
CREATE TRIGGER assessments_search_upd AFTER UPDATE OF id, comments, rating ON assessments BEGIN
    INSERT INTO assessments_search(assessments_search, rowid, comments, rating) VALUES ('delete', old.id, old.comments, old.rating);
    INSERT INTO assessments_search(rowid, comments, rating) VALUES (new.id, new.comments, new.rating);
END;

CREATE VIRTUAL TABLE unit_tasks_search USING fts5(title, note, content='unit_tasks', content_rowid='id', tokenize='trigram');
INSERT INTO unit_tasks_search(unit_tasks_search) VALUES ('rebuild');
CREATE TRIGGER unit_tasks_search_ins AFTER INSERT ON unit_tasks BEGIN INSERT INTO unit_tasks_search(rowid, title, note) VALUES (new.id, new.title, new.note); END;
CREATE TRIGGER unit_tasks_search_del AFTER DELETE ON unit_tasks BEGIN INSERT INTO unit_tasks_search(unit_tasks_search, rowid, title, note) VALUES ('delete', old.id, old.title, old.note); END;
CREATE TRIGGER unit_tasks_search_upd AFTER UPDATE OF id, title, note ON unit_tasks BEGIN
    INSERT INTO unit_tasks_search(unit_tasks_search, rowid, title, note) VALUES ('delete', old.id, old.title, old.note);
    INSERT INTO unit_tasks_search(rowid, title, note) VALUES (new.id, new.title, new.note);
END;

CREATE VIRTUAL TABLE unit_task_notes_search USING fts5(text, content='unit_task_notes', content_rowid='id', tokenize='trigram');
INSERT INTO unit_task_notes_search(unit_task_notes_search) VALUES ('rebuild');
CREATE TRIGGER unit_task_notes_search_ins AFTER INSERT ON unit_task_notes BEGIN INSERT INTO unit_task_notes_search(rowid, text) VALUES (new.id, new.text); END;
CREATE TRIGGER unit_task_notes_search_del AFTER DELETE ON unit_task_notes BEGIN INSERT INTO unit_task_notes_search(unit_task_notes_search, rowid, text) VALUES ('delete', old.id, old.text); END;
CREATE TRIGGER unit_task_notes_search_upd AFTER UPDATE OF id, text ON unit_task_notes BEGIN
    INSERT INTO unit_task_notes_search(unit_task_notes_search, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO unit_task_notes_search(rowid, text) VALUES (new.id, new.text);
END;

-- Cheap list totals and index-backed pages (see src/records.rs `Store::list`).
--
-- row_counts holds the number of rows of every entity table, kept exact by triggers, so an unfiltered list and the
-- overview know their totals without counting millions of rows. The indexes below match a list's filter and sort
-- with the record id as the tie-break, so a page after a cursor (`after=<id>`) is one index range read.
-- (0004 is taken by another change.)

CREATE TABLE row_counts (
    entity TEXT PRIMARY KEY,
    n BIGINT NOT NULL
);

-- PostgreSQL counts per statement (transition tables), so a bulk insert updates its count once.
CREATE FUNCTION duikou_count_ins() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE row_counts SET n = n + (SELECT COUNT(*) FROM new_rows) WHERE entity = TG_TABLE_NAME;
    RETURN NULL;
END $$;
CREATE FUNCTION duikou_count_del() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE row_counts SET n = n - (SELECT COUNT(*) FROM old_rows) WHERE entity = TG_TABLE_NAME;
    RETURN NULL;
END $$;
CREATE FUNCTION duikou_count_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE row_counts SET n = 0 WHERE entity = TG_TABLE_NAME;
    RETURN NULL;
END $$;

INSERT INTO row_counts (entity, n)
SELECT 'regions', COUNT(*) FROM regions
UNION ALL SELECT 'orgs', COUNT(*) FROM orgs
UNION ALL SELECT 'programs', COUNT(*) FROM programs
UNION ALL SELECT 'pairings', COUNT(*) FROM pairings
UNION ALL SELECT 'documents', COUNT(*) FROM documents
UNION ALL SELECT 'agreements', COUNT(*) FROM agreements
UNION ALL SELECT 'obligations', COUNT(*) FROM obligations
UNION ALL SELECT 'needs', COUNT(*) FROM needs
UNION ALL SELECT 'projects', COUNT(*) FROM projects
UNION ALL SELECT 'project_funding', COUNT(*) FROM project_funding
UNION ALL SELECT 'transactions', COUNT(*) FROM transactions
UNION ALL SELECT 'outputs', COUNT(*) FROM outputs
UNION ALL SELECT 'people', COUNT(*) FROM people
UNION ALL SELECT 'dispatches', COUNT(*) FROM dispatches
UNION ALL SELECT 'stints', COUNT(*) FROM stints
UNION ALL SELECT 'appraisals', COUNT(*) FROM appraisals
UNION ALL SELECT 'activities', COUNT(*) FROM activities
UNION ALL SELECT 'indicators', COUNT(*) FROM indicators
UNION ALL SELECT 'indicator_values', COUNT(*) FROM indicator_values
UNION ALL SELECT 'document_links', COUNT(*) FROM document_links
UNION ALL SELECT 'notes', COUNT(*) FROM notes
UNION ALL SELECT 'supervisions', COUNT(*) FROM supervisions
UNION ALL SELECT 'extractions', COUNT(*) FROM extractions
UNION ALL SELECT 'assessments', COUNT(*) FROM assessments
UNION ALL SELECT 'period_locks', COUNT(*) FROM period_locks;

CREATE TRIGGER regions_count_ins AFTER INSERT ON regions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_ins();
CREATE TRIGGER regions_count_del AFTER DELETE ON regions REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_del();
CREATE TRIGGER regions_count_truncate AFTER TRUNCATE ON regions FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_truncate();
CREATE TRIGGER orgs_count_ins AFTER INSERT ON orgs REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_ins();
CREATE TRIGGER orgs_count_del AFTER DELETE ON orgs REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_del();
CREATE TRIGGER orgs_count_truncate AFTER TRUNCATE ON orgs FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_truncate();
CREATE TRIGGER programs_count_ins AFTER INSERT ON programs REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_ins();
CREATE TRIGGER programs_count_del AFTER DELETE ON programs REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_del();
CREATE TRIGGER programs_count_truncate AFTER TRUNCATE ON programs FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_truncate();
CREATE TRIGGER pairings_count_ins AFTER INSERT ON pairings REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_ins();
CREATE TRIGGER pairings_count_del AFTER DELETE ON pairings REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_del();
CREATE TRIGGER pairings_count_truncate AFTER TRUNCATE ON pairings FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_truncate();
CREATE TRIGGER documents_count_ins AFTER INSERT ON documents REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_ins();
CREATE TRIGGER documents_count_del AFTER DELETE ON documents REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_del();
CREATE TRIGGER documents_count_truncate AFTER TRUNCATE ON documents FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_truncate();
CREATE TRIGGER agreements_count_ins AFTER INSERT ON agreements REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_ins();
CREATE TRIGGER agreements_count_del AFTER DELETE ON agreements REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_del();
CREATE TRIGGER agreements_count_truncate AFTER TRUNCATE ON agreements FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_truncate();
CREATE TRIGGER obligations_count_ins AFTER INSERT ON obligations REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_ins();
CREATE TRIGGER obligations_count_del AFTER DELETE ON obligations REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_del();
CREATE TRIGGER obligations_count_truncate AFTER TRUNCATE ON obligations FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_truncate();
CREATE TRIGGER needs_count_ins AFTER INSERT ON needs REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_ins();
CREATE TRIGGER needs_count_del AFTER DELETE ON needs REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_del();
CREATE TRIGGER needs_count_truncate AFTER TRUNCATE ON needs FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_truncate();
CREATE TRIGGER projects_count_ins AFTER INSERT ON projects REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_ins();
CREATE TRIGGER projects_count_del AFTER DELETE ON projects REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_del();
CREATE TRIGGER projects_count_truncate AFTER TRUNCATE ON projects FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_truncate();
CREATE TRIGGER project_funding_count_ins AFTER INSERT ON project_funding REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_ins();
CREATE TRIGGER project_funding_count_del AFTER DELETE ON project_funding REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_del();
CREATE TRIGGER project_funding_count_truncate AFTER TRUNCATE ON project_funding FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_truncate();
CREATE TRIGGER transactions_count_ins AFTER INSERT ON transactions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_ins();
CREATE TRIGGER transactions_count_del AFTER DELETE ON transactions REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_del();
CREATE TRIGGER transactions_count_truncate AFTER TRUNCATE ON transactions FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_truncate();
CREATE TRIGGER outputs_count_ins AFTER INSERT ON outputs REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_ins();
CREATE TRIGGER outputs_count_del AFTER DELETE ON outputs REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_del();
CREATE TRIGGER outputs_count_truncate AFTER TRUNCATE ON outputs FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_truncate();
CREATE TRIGGER people_count_ins AFTER INSERT ON people REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_ins();
CREATE TRIGGER people_count_del AFTER DELETE ON people REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_del();
CREATE TRIGGER people_count_truncate AFTER TRUNCATE ON people FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_truncate();
CREATE TRIGGER dispatches_count_ins AFTER INSERT ON dispatches REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_ins();
CREATE TRIGGER dispatches_count_del AFTER DELETE ON dispatches REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_del();
CREATE TRIGGER dispatches_count_truncate AFTER TRUNCATE ON dispatches FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_truncate();
CREATE TRIGGER stints_count_ins AFTER INSERT ON stints REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_ins();
CREATE TRIGGER stints_count_del AFTER DELETE ON stints REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_del();
CREATE TRIGGER stints_count_truncate AFTER TRUNCATE ON stints FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_truncate();
CREATE TRIGGER appraisals_count_ins AFTER INSERT ON appraisals REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_ins();
CREATE TRIGGER appraisals_count_del AFTER DELETE ON appraisals REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_del();
CREATE TRIGGER appraisals_count_truncate AFTER TRUNCATE ON appraisals FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_truncate();
CREATE TRIGGER activities_count_ins AFTER INSERT ON activities REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_ins();
CREATE TRIGGER activities_count_del AFTER DELETE ON activities REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_del();
CREATE TRIGGER activities_count_truncate AFTER TRUNCATE ON activities FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_truncate();
CREATE TRIGGER indicators_count_ins AFTER INSERT ON indicators REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_ins();
CREATE TRIGGER indicators_count_del AFTER DELETE ON indicators REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_del();
CREATE TRIGGER indicators_count_truncate AFTER TRUNCATE ON indicators FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_truncate();
CREATE TRIGGER indicator_values_count_ins AFTER INSERT ON indicator_values REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_ins();
CREATE TRIGGER indicator_values_count_del AFTER DELETE ON indicator_values REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_del();
CREATE TRIGGER indicator_values_count_truncate AFTER TRUNCATE ON indicator_values FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_truncate();
CREATE TRIGGER document_links_count_ins AFTER INSERT ON document_links REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_ins();
CREATE TRIGGER document_links_count_del AFTER DELETE ON document_links REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_del();
CREATE TRIGGER document_links_count_truncate AFTER TRUNCATE ON document_links FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_truncate();
CREATE TRIGGER notes_count_ins AFTER INSERT ON notes REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_ins();
CREATE TRIGGER notes_count_del AFTER DELETE ON notes REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_del();
CREATE TRIGGER notes_count_truncate AFTER TRUNCATE ON notes FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_truncate();
CREATE TRIGGER supervisions_count_ins AFTER INSERT ON supervisions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_ins();
CREATE TRIGGER supervisions_count_del AFTER DELETE ON supervisions REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_del();
CREATE TRIGGER supervisions_count_truncate AFTER TRUNCATE ON supervisions FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_truncate();
CREATE TRIGGER extractions_count_ins AFTER INSERT ON extractions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_ins();
CREATE TRIGGER extractions_count_del AFTER DELETE ON extractions REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_del();
CREATE TRIGGER extractions_count_truncate AFTER TRUNCATE ON extractions FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_truncate();
CREATE TRIGGER assessments_count_ins AFTER INSERT ON assessments REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_ins();
CREATE TRIGGER assessments_count_del AFTER DELETE ON assessments REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_del();
CREATE TRIGGER assessments_count_truncate AFTER TRUNCATE ON assessments FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_truncate();
CREATE TRIGGER period_locks_count_ins AFTER INSERT ON period_locks REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_ins();
CREATE TRIGGER period_locks_count_del AFTER DELETE ON period_locks REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_del();
CREATE TRIGGER period_locks_count_truncate AFTER TRUNCATE ON period_locks FOR EACH STATEMENT EXECUTE FUNCTION duikou_count_truncate();

-- Default sorts with the id as tie-break (a row comparison `(date, id) > (…, …)` needs both in the index).
DROP INDEX activities_start_date_idx;
CREATE INDEX activities_start_date_idx ON activities (start_date, id);
DROP INDEX transactions_date_idx;
CREATE INDEX transactions_date_idx ON transactions (date, id);
CREATE INDEX stints_start_date_idx ON stints (start_date, id);
CREATE INDEX indicator_values_period_idx ON indicator_values (period, id);
CREATE INDEX supervisions_due_on_idx ON supervisions (due_on, id);
CREATE INDEX extractions_start_idx ON extractions (start, id);
-- Filter by pairing (or program), sorted by the default sort.
CREATE INDEX activities_pairing_start_idx ON activities (pairing_id, start_date, id);
CREATE INDEX transactions_pairing_date_idx ON transactions (pairing_id, date, id);
CREATE INDEX stints_pairing_start_idx ON stints (pairing_id, start_date, id);
CREATE INDEX supervisions_pairing_due_idx ON supervisions (pairing_id, due_on, id);
CREATE INDEX projects_pairing_idx ON projects (pairing_id, id);
CREATE INDEX dispatches_pairing_idx ON dispatches (pairing_id, id);
CREATE INDEX project_funding_pairing_idx ON project_funding (pairing_id, id);
CREATE INDEX outputs_pairing_idx ON outputs (pairing_id, id);
CREATE INDEX pairings_program_idx ON pairings (program_id, id);

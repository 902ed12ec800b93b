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

CREATE TRIGGER regions_count_ins AFTER INSERT ON regions BEGIN UPDATE row_counts SET n = n + 1 WHERE entity = 'regions'; END;
CREATE TRIGGER regions_count_del AFTER DELETE ON regions BEGIN UPDATE row_counts SET n = n - 1 WHERE entity = 'regions'; END;
CREATE TRIGGER orgs_count_ins AFTER INSERT ON orgs BEGIN UPDATE row_counts SET n = n + 1 WHERE entity = 'orgs'; END;
CREATE TRIGGER orgs_count_del AFTER DELETE ON orgs BEGIN UPDATE row_counts SET n = n - 1 WHERE entity = 'orgs'; END;
CREATE TRIGGER programs_count_ins AFTER INSERT ON programs BEGIN UPDATE row_counts SET n = n + 1 WHERE entity = 'programs'; END;
CREATE TRIGGER programs_count_del AFTER DELETE ON programs BEGIN UPDATE row_counts SET n = n - 1 WHERE entity = 'programs'; END;
CREATE TRIGGER pairings_count_ins AFTER INSERT ON pairings BEGIN UPDATE row_counts SET n = n + 1 WHERE entity = 'pairings'; END;
CREATE TRIGGER pairings_count_del AFTER DELETE ON pairings BEGIN UPDATE row_counts SET n = n - 1 WHERE entity = 'pairings'; END;
CREATE TRIGGER documents_count_ins AFTER INSERT ON documents BEGIN UPDATE row_counts SET n = n + 1 WHERE entity = 'documents'; END;
CREATE TRIGGER documents_count_del AFTER DELETE ON documents BEGIN UPDATE row_counts SET n = n - 1 WHERE entity = 'documents'; END;
CREATE TRIGGER agreements_count_ins AFTER INSERT ON agreements BEGIN UPDATE row_counts SET n = n + 1 WHERE entity = 'agreements'; END;
CREATE TRIGGER agreements_count_del AFTER DELETE ON agreements BEGIN UPDATE row_counts SET n = n - 1 WHERE entity = 'agreements'; END;
CREATE TRIGGER obligations_count_ins AFTER INSERT ON obligations BEGIN UPDATE row_counts SET n = n + 1 WHERE entity = 'obligations'; END;
CREATE TRIGGER obligations_count_del AFTER DELETE ON obligations BEGIN UPDATE row_counts SET n = n - 1 WHERE entity = 'obligations'; END;
CREATE TRIGGER needs_count_ins AFTER INSERT ON needs BEGIN UPDATE row_counts SET n = n + 1 WHERE entity = 'needs'; END;
CREATE TRIGGER needs_count_del AFTER DELETE ON needs BEGIN UPDATE row_counts SET n = n - 1 WHERE entity = 'needs'; END;
CREATE TRIGGER projects_count_ins AFTER INSERT ON projects BEGIN UPDATE row_counts SET n = n + 1 WHERE entity = 'projects'; END;
CREATE TRIGGER projects_count_del AFTER DELETE ON projects BEGIN UPDATE row_counts SET n = n - 1 WHERE entity = 'projects'; END;
CREATE TRIGGER project_funding_count_ins AFTER INSERT ON project_funding BEGIN UPDATE row_counts SET n = n + 1 WHERE entity = 'project_funding'; END;
CREATE TRIGGER project_funding_count_del AFTER DELETE ON project_funding BEGIN UPDATE row_counts SET n = n - 1 WHERE entity = 'project_funding'; END;
CREATE TRIGGER transactions_count_ins AFTER INSERT ON transactions BEGIN UPDATE row_counts SET n = n + 1 WHERE entity = 'transactions'; END;
CREATE TRIGGER transactions_count_del AFTER DELETE ON transactions BEGIN UPDATE row_counts SET n = n - 1 WHERE entity = 'transactions'; END;
CREATE TRIGGER outputs_count_ins AFTER INSERT ON outputs BEGIN UPDATE row_counts SET n = n + 1 WHERE entity = 'outputs'; END;
CREATE TRIGGER outputs_count_del AFTER DELETE ON outputs BEGIN UPDATE row_counts SET n = n - 1 WHERE entity = 'outputs'; END;
CREATE TRIGGER people_count_ins AFTER INSERT ON people BEGIN UPDATE row_counts SET n = n + 1 WHERE entity = 'people'; END;
CREATE TRIGGER people_count_del AFTER DELETE ON people BEGIN UPDATE row_counts SET n = n - 1 WHERE entity = 'people'; END;
CREATE TRIGGER dispatches_count_ins AFTER INSERT ON dispatches BEGIN UPDATE row_counts SET n = n + 1 WHERE entity = 'dispatches'; END;
CREATE TRIGGER dispatches_count_del AFTER DELETE ON dispatches BEGIN UPDATE row_counts SET n = n - 1 WHERE entity = 'dispatches'; END;
CREATE TRIGGER stints_count_ins AFTER INSERT ON stints BEGIN UPDATE row_counts SET n = n + 1 WHERE entity = 'stints'; END;
CREATE TRIGGER stints_count_del AFTER DELETE ON stints BEGIN UPDATE row_counts SET n = n - 1 WHERE entity = 'stints'; END;
CREATE TRIGGER appraisals_count_ins AFTER INSERT ON appraisals BEGIN UPDATE row_counts SET n = n + 1 WHERE entity = 'appraisals'; END;
CREATE TRIGGER appraisals_count_del AFTER DELETE ON appraisals BEGIN UPDATE row_counts SET n = n - 1 WHERE entity = 'appraisals'; END;
CREATE TRIGGER activities_count_ins AFTER INSERT ON activities BEGIN UPDATE row_counts SET n = n + 1 WHERE entity = 'activities'; END;
CREATE TRIGGER activities_count_del AFTER DELETE ON activities BEGIN UPDATE row_counts SET n = n - 1 WHERE entity = 'activities'; END;
CREATE TRIGGER indicators_count_ins AFTER INSERT ON indicators BEGIN UPDATE row_counts SET n = n + 1 WHERE entity = 'indicators'; END;
CREATE TRIGGER indicators_count_del AFTER DELETE ON indicators BEGIN UPDATE row_counts SET n = n - 1 WHERE entity = 'indicators'; END;
CREATE TRIGGER indicator_values_count_ins AFTER INSERT ON indicator_values BEGIN UPDATE row_counts SET n = n + 1 WHERE entity = 'indicator_values'; END;
CREATE TRIGGER indicator_values_count_del AFTER DELETE ON indicator_values BEGIN UPDATE row_counts SET n = n - 1 WHERE entity = 'indicator_values'; END;
CREATE TRIGGER document_links_count_ins AFTER INSERT ON document_links BEGIN UPDATE row_counts SET n = n + 1 WHERE entity = 'document_links'; END;
CREATE TRIGGER document_links_count_del AFTER DELETE ON document_links BEGIN UPDATE row_counts SET n = n - 1 WHERE entity = 'document_links'; END;
CREATE TRIGGER notes_count_ins AFTER INSERT ON notes BEGIN UPDATE row_counts SET n = n + 1 WHERE entity = 'notes'; END;
CREATE TRIGGER notes_count_del AFTER DELETE ON notes BEGIN UPDATE row_counts SET n = n - 1 WHERE entity = 'notes'; END;
CREATE TRIGGER supervisions_count_ins AFTER INSERT ON supervisions BEGIN UPDATE row_counts SET n = n + 1 WHERE entity = 'supervisions'; END;
CREATE TRIGGER supervisions_count_del AFTER DELETE ON supervisions BEGIN UPDATE row_counts SET n = n - 1 WHERE entity = 'supervisions'; END;
CREATE TRIGGER extractions_count_ins AFTER INSERT ON extractions BEGIN UPDATE row_counts SET n = n + 1 WHERE entity = 'extractions'; END;
CREATE TRIGGER extractions_count_del AFTER DELETE ON extractions BEGIN UPDATE row_counts SET n = n - 1 WHERE entity = 'extractions'; END;
CREATE TRIGGER assessments_count_ins AFTER INSERT ON assessments BEGIN UPDATE row_counts SET n = n + 1 WHERE entity = 'assessments'; END;
CREATE TRIGGER assessments_count_del AFTER DELETE ON assessments BEGIN UPDATE row_counts SET n = n - 1 WHERE entity = 'assessments'; END;
CREATE TRIGGER period_locks_count_ins AFTER INSERT ON period_locks BEGIN UPDATE row_counts SET n = n + 1 WHERE entity = 'period_locks'; END;
CREATE TRIGGER period_locks_count_del AFTER DELETE ON period_locks BEGIN UPDATE row_counts SET n = n - 1 WHERE entity = 'period_locks'; END;

-- Filter by pairing, sorted by the default sort (SQLite appends the rowid, i.e. the id, to every index).
CREATE INDEX activities_pairing_start_idx ON activities (pairing_id, start_date);
CREATE INDEX transactions_pairing_date_idx ON transactions (pairing_id, date);
CREATE INDEX stints_pairing_start_idx ON stints (pairing_id, start_date);
CREATE INDEX supervisions_pairing_due_idx ON supervisions (pairing_id, due_on);
-- Default sorts without an index so far.
CREATE INDEX stints_start_date_idx ON stints (start_date);
CREATE INDEX indicator_values_period_idx ON indicator_values (period);
CREATE INDEX supervisions_due_on_idx ON supervisions (due_on);
CREATE INDEX extractions_start_idx ON extractions (start);
CREATE INDEX pairings_program_idx ON pairings (program_id, id);

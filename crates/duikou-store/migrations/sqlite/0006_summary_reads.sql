-- The unmet and warned results kept per pairing (see src/status.rs), one row each, so a summary or a list reads only
-- those of its period. They were kept as one JSON list per pairing in assessment_status.problems, which is now left
-- empty. Every program's status is evaluated again on its next read, filling this table.
CREATE TABLE assessment_problems (
    pairing_id INTEGER NOT NULL,
    n INTEGER NOT NULL,
    program_id INTEGER NOT NULL,
    window_start TEXT NOT NULL,
    window_end TEXT NOT NULL,
    problem TEXT NOT NULL,
    PRIMARY KEY (pairing_id, n)
);
CREATE INDEX assessment_problems_program_idx ON assessment_problems (program_id, window_end);
DELETE FROM assessment_marks;

-- A summary reads a period's activities of many pairings: those still running at the period's start, by pairing.
CREATE INDEX activities_pairing_until_idx ON activities (pairing_id, (COALESCE(end_date, start_date)));

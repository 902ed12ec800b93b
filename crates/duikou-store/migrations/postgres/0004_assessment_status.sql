-- Obligation status per pairing as of a day, kept for dashboards and summaries (see src/status.rs): computed by the
-- engine, brought up to date from the audit log when read. seq is the audit head the row was computed at.
CREATE TABLE assessment_status (
    pairing_id BIGINT PRIMARY KEY,
    program_id BIGINT NOT NULL,
    met BIGINT NOT NULL,
    unmet BIGINT NOT NULL,
    open_results BIGINT NOT NULL,
    warnings BIGINT NOT NULL,
    score TEXT,
    rating TEXT,
    problems JSONB NOT NULL,
    seq BIGINT NOT NULL,
    as_of TEXT NOT NULL
);
CREATE INDEX assessment_status_program_idx ON assessment_status (program_id);

-- Per program: the day and the audit head its pairings' status was last brought up to.
CREATE TABLE assessment_marks (
    program_id BIGINT PRIMARY KEY,
    as_of TEXT NOT NULL,
    seq BIGINT NOT NULL
);

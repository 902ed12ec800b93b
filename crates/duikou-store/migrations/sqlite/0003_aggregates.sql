-- Dashboard aggregates, kept current at write time (see src/aggregates.rs): each table is keyed by a scope
-- (scope_kind 'pairing' | 'program' | 'region' | 'all', scope_key the pairing id, program id, region code or '')
-- and its dimensions. A pairing's rows are recomputed from its base records when a write touches it; the
-- difference is applied to its program, the receiver's region (county, prefecture and province codes) and 'all'.
-- Existing databases are filled by Store::open (aggregates::rebuild_all) after this migration.

-- The program and receiver region a pairing's rows were last added to, so a move takes them out again.
CREATE TABLE agg_pairing_scope (
    pairing_id BIGINT PRIMARY KEY,
    program_id BIGINT NOT NULL,
    region_code TEXT
);
CREATE INDEX agg_pairing_scope_program_idx ON agg_pairing_scope (program_id);

-- Transactions by year, source, project category, kind and confirmation (confirmed 1 = confirmed, else 0).
CREATE TABLE agg_money (
    scope_kind TEXT NOT NULL,
    scope_key TEXT NOT NULL,
    year BIGINT NOT NULL,
    source TEXT NOT NULL,
    category TEXT NOT NULL,
    tx_kind TEXT NOT NULL,
    confirmed BIGINT NOT NULL,
    amount BIGINT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (scope_kind, scope_key, year, source, category, tx_kind, confirmed)
);

-- Projects by category and status (completed_on → completed, started_on → started, else planned).
CREATE TABLE agg_projects (
    scope_kind TEXT NOT NULL,
    scope_key TEXT NOT NULL,
    category TEXT NOT NULL,
    status TEXT NOT NULL,
    n BIGINT NOT NULL,
    investment BIGINT NOT NULL,
    PRIMARY KEY (scope_kind, scope_key, category, status)
);

-- Dispatched people by role, batch (0 when none) and confirmation.
CREATE TABLE agg_people (
    scope_kind TEXT NOT NULL,
    scope_key TEXT NOT NULL,
    role TEXT NOT NULL,
    batch BIGINT NOT NULL,
    confirmed BIGINT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (scope_kind, scope_key, role, batch, confirmed)
);

-- Activities by kind, month of start (YYYY-MM) and confirmation, with their quantities.
CREATE TABLE agg_activities (
    scope_kind TEXT NOT NULL,
    scope_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    month TEXT NOT NULL,
    confirmed BIGINT NOT NULL,
    n BIGINT NOT NULL,
    person_times BIGINT NOT NULL,
    sessions BIGINT NOT NULL,
    courses BIGINT NOT NULL,
    hours BIGINT NOT NULL,
    items BIGINT NOT NULL,
    amount BIGINT NOT NULL,
    PRIMARY KEY (scope_kind, scope_key, kind, month, confirmed)
);

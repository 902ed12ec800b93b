-- duikou schema, version 1 (sqlite). Entity tables follow duikou_domain::schema::ENTITIES (see tests/gen_ddl.rs).

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TEXT NOT NULL
);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    last_used_at TEXT
);

CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_events (
    seq BIGINT PRIMARY KEY,
    at TEXT NOT NULL,
    user_id BIGINT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id BIGINT NOT NULL,
    before_json TEXT,
    after_json TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_events_entity_idx ON audit_events (entity, entity_id);

CREATE TABLE regions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    level TEXT NOT NULL,
    parent_code TEXT REFERENCES regions(code),
    aliases TEXT
);
CREATE INDEX regions_parent_code_idx ON regions (parent_code);

CREATE TABLE orgs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    name TEXT NOT NULL,
    short_name TEXT,
    kind TEXT NOT NULL,
    region_code TEXT REFERENCES regions(code),
    parent_id INTEGER REFERENCES orgs(id),
    attributes TEXT,
    note TEXT
);
CREATE INDEX orgs_region_code_idx ON orgs (region_code);
CREATE INDEX orgs_parent_id_idx ON orgs (parent_id);

CREATE TABLE programs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    name TEXT NOT NULL,
    authority_org_id INTEGER NOT NULL REFERENCES orgs(id),
    start_date TEXT,
    end_date TEXT,
    calendar TEXT,
    rating_scale TEXT,
    only_confirmed BOOLEAN,
    warn_share INTEGER,
    published BOOLEAN,
    description TEXT
);
CREATE INDEX programs_authority_org_id_idx ON programs (authority_org_id);

CREATE TABLE pairings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    program_id INTEGER NOT NULL REFERENCES programs(id),
    supporter_org_id INTEGER NOT NULL REFERENCES orgs(id),
    receiver_org_id INTEGER NOT NULL REFERENCES orgs(id),
    level TEXT NOT NULL,
    start_date TEXT,
    end_date TEXT,
    parent_id INTEGER REFERENCES pairings(id),
    note TEXT
);
CREATE INDEX pairings_program_id_idx ON pairings (program_id);
CREATE INDEX pairings_supporter_org_id_idx ON pairings (supporter_org_id);
CREATE INDEX pairings_receiver_org_id_idx ON pairings (receiver_org_id);
CREATE INDEX pairings_parent_id_idx ON pairings (parent_id);

CREATE TABLE documents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    doc_date TEXT,
    program_id INTEGER REFERENCES programs(id),
    pairing_id INTEGER REFERENCES pairings(id),
    file_name TEXT,
    content_type TEXT,
    size INTEGER,
    sha256 TEXT,
    text TEXT,
    note TEXT
);
CREATE INDEX documents_program_id_idx ON documents (program_id);
CREATE INDEX documents_pairing_id_idx ON documents (pairing_id);

CREATE TABLE agreements (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    pairing_id INTEGER NOT NULL REFERENCES pairings(id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    tier TEXT,
    signed_on TEXT,
    valid_until TEXT,
    document_id INTEGER REFERENCES documents(id),
    note TEXT
);
CREATE INDEX agreements_pairing_id_idx ON agreements (pairing_id);
CREATE INDEX agreements_document_id_idx ON agreements (document_id);

CREATE TABLE obligations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    program_id INTEGER REFERENCES programs(id),
    agreement_id INTEGER REFERENCES agreements(id),
    assigned_org_id INTEGER REFERENCES orgs(id),
    year INTEGER,
    title TEXT NOT NULL,
    weight INTEGER,
    rule TEXT NOT NULL,
    note TEXT
);
CREATE INDEX obligations_program_id_idx ON obligations (program_id);
CREATE INDEX obligations_agreement_id_idx ON obligations (agreement_id);
CREATE INDEX obligations_assigned_org_id_idx ON obligations (assigned_org_id);

CREATE TABLE needs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    pairing_id INTEGER NOT NULL REFERENCES pairings(id),
    title TEXT NOT NULL,
    category TEXT,
    priority TEXT,
    status TEXT,
    raised_on TEXT,
    met_on TEXT,
    description TEXT
);
CREATE INDEX needs_pairing_id_idx ON needs (pairing_id);

CREATE TABLE projects (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    pairing_id INTEGER NOT NULL REFERENCES pairings(id),
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    region_code TEXT REFERENCES regions(code),
    delivery_mode TEXT,
    plan_batch TEXT,
    approved_on TEXT,
    started_on TEXT,
    completed_on TEXT,
    accepted_on TEXT,
    handed_over_on TEXT,
    total_investment INTEGER,
    leveraged_investment INTEGER,
    description TEXT,
    confirmation TEXT NOT NULL DEFAULT 'pending',
    confirmed_by INTEGER REFERENCES users(id),
    confirmed_at TEXT,
    dispute_reason TEXT
);
CREATE INDEX projects_pairing_id_idx ON projects (pairing_id);
CREATE INDEX projects_region_code_idx ON projects (region_code);
CREATE INDEX projects_confirmation_idx ON projects (confirmation);
CREATE INDEX projects_confirmed_by_idx ON projects (confirmed_by);

CREATE TABLE project_funding (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    pairing_id INTEGER REFERENCES pairings(id),
    source TEXT NOT NULL,
    amount INTEGER NOT NULL,
    note TEXT,
    confirmation TEXT NOT NULL DEFAULT 'pending',
    confirmed_by INTEGER REFERENCES users(id),
    confirmed_at TEXT,
    dispute_reason TEXT
);
CREATE INDEX project_funding_project_id_idx ON project_funding (project_id);
CREATE INDEX project_funding_pairing_id_idx ON project_funding (pairing_id);
CREATE INDEX project_funding_confirmation_idx ON project_funding (confirmation);
CREATE INDEX project_funding_confirmed_by_idx ON project_funding (confirmed_by);

CREATE TABLE transactions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    pairing_id INTEGER REFERENCES pairings(id),
    kind TEXT NOT NULL,
    source TEXT NOT NULL,
    amount INTEGER NOT NULL,
    date TEXT NOT NULL,
    note TEXT,
    confirmation TEXT NOT NULL DEFAULT 'pending',
    confirmed_by INTEGER REFERENCES users(id),
    confirmed_at TEXT,
    dispute_reason TEXT
);
CREATE INDEX transactions_project_id_idx ON transactions (project_id);
CREATE INDEX transactions_pairing_id_idx ON transactions (pairing_id);
CREATE INDEX transactions_confirmation_idx ON transactions (confirmation);
CREATE INDEX transactions_confirmed_by_idx ON transactions (confirmed_by);

CREATE TABLE outputs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    pairing_id INTEGER REFERENCES pairings(id),
    name TEXT NOT NULL,
    unit TEXT NOT NULL,
    planned INTEGER,
    started INTEGER,
    completed INTEGER,
    as_of TEXT,
    confirmation TEXT NOT NULL DEFAULT 'pending',
    confirmed_by INTEGER REFERENCES users(id),
    confirmed_at TEXT,
    dispute_reason TEXT
);
CREATE INDEX outputs_project_id_idx ON outputs (project_id);
CREATE INDEX outputs_pairing_id_idx ON outputs (pairing_id);
CREATE INDEX outputs_confirmation_idx ON outputs (confirmation);
CREATE INDEX outputs_confirmed_by_idx ON outputs (confirmed_by);

CREATE TABLE people (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    name TEXT NOT NULL,
    gender TEXT,
    birth_year INTEGER,
    ethnicity TEXT,
    education TEXT,
    title TEXT,
    title_level TEXT,
    home_org_id INTEGER REFERENCES orgs(id),
    note TEXT
);
CREATE INDEX people_home_org_id_idx ON people (home_org_id);

CREATE TABLE dispatches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    pairing_id INTEGER NOT NULL REFERENCES pairings(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    role TEXT NOT NULL,
    batch INTEGER,
    direction TEXT,
    home_org_id INTEGER REFERENCES orgs(id),
    host_org_id INTEGER REFERENCES orgs(id),
    post TEXT,
    start_date TEXT,
    end_date TEXT,
    note TEXT,
    confirmation TEXT NOT NULL DEFAULT 'pending',
    confirmed_by INTEGER REFERENCES users(id),
    confirmed_at TEXT,
    dispute_reason TEXT
);
CREATE INDEX dispatches_pairing_id_idx ON dispatches (pairing_id);
CREATE INDEX dispatches_person_id_idx ON dispatches (person_id);
CREATE INDEX dispatches_home_org_id_idx ON dispatches (home_org_id);
CREATE INDEX dispatches_host_org_id_idx ON dispatches (host_org_id);
CREATE INDEX dispatches_confirmation_idx ON dispatches (confirmation);
CREATE INDEX dispatches_confirmed_by_idx ON dispatches (confirmed_by);

CREATE TABLE stints (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    dispatch_id INTEGER NOT NULL REFERENCES dispatches(id),
    pairing_id INTEGER REFERENCES pairings(id),
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    note TEXT,
    confirmation TEXT NOT NULL DEFAULT 'pending',
    confirmed_by INTEGER REFERENCES users(id),
    confirmed_at TEXT,
    dispute_reason TEXT
);
CREATE INDEX stints_dispatch_id_idx ON stints (dispatch_id);
CREATE INDEX stints_pairing_id_idx ON stints (pairing_id);
CREATE INDEX stints_confirmation_idx ON stints (confirmation);
CREATE INDEX stints_confirmed_by_idx ON stints (confirmed_by);

CREATE TABLE appraisals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    dispatch_id INTEGER NOT NULL REFERENCES dispatches(id),
    pairing_id INTEGER REFERENCES pairings(id),
    year INTEGER NOT NULL,
    grade TEXT NOT NULL,
    comment TEXT
);
CREATE INDEX appraisals_dispatch_id_idx ON appraisals (dispatch_id);
CREATE INDEX appraisals_pairing_id_idx ON appraisals (pairing_id);

CREATE TABLE activities (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    pairing_id INTEGER NOT NULL REFERENCES pairings(id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    audience TEXT,
    start_date TEXT NOT NULL,
    end_date TEXT,
    region_code TEXT REFERENCES regions(code),
    person_times INTEGER,
    sessions INTEGER,
    courses INTEGER,
    hours INTEGER,
    items INTEGER,
    amount INTEGER,
    participants TEXT,
    project_id INTEGER REFERENCES projects(id),
    dispatch_id INTEGER REFERENCES dispatches(id),
    need_id INTEGER REFERENCES needs(id),
    description TEXT,
    confirmation TEXT NOT NULL DEFAULT 'pending',
    confirmed_by INTEGER REFERENCES users(id),
    confirmed_at TEXT,
    dispute_reason TEXT
);
CREATE INDEX activities_pairing_id_idx ON activities (pairing_id);
CREATE INDEX activities_region_code_idx ON activities (region_code);
CREATE INDEX activities_project_id_idx ON activities (project_id);
CREATE INDEX activities_dispatch_id_idx ON activities (dispatch_id);
CREATE INDEX activities_need_id_idx ON activities (need_id);
CREATE INDEX activities_confirmation_idx ON activities (confirmation);
CREATE INDEX activities_confirmed_by_idx ON activities (confirmed_by);

CREATE TABLE indicators (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    unit TEXT NOT NULL,
    aggregation TEXT,
    description TEXT
);

CREATE TABLE indicator_values (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    indicator_id INTEGER NOT NULL REFERENCES indicators(id),
    region_code TEXT REFERENCES regions(code),
    org_id INTEGER REFERENCES orgs(id),
    period TEXT NOT NULL,
    value INTEGER NOT NULL,
    source TEXT,
    note TEXT
);
CREATE INDEX indicator_values_indicator_id_idx ON indicator_values (indicator_id);
CREATE INDEX indicator_values_region_code_idx ON indicator_values (region_code);
CREATE INDEX indicator_values_org_id_idx ON indicator_values (org_id);

CREATE TABLE document_links (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    entity TEXT NOT NULL,
    entity_id INTEGER NOT NULL
);
CREATE INDEX document_links_document_id_idx ON document_links (document_id);

CREATE TABLE user_orgs (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    PRIMARY KEY (user_id, org_id)
);

CREATE TABLE document_contents (
    document_id BIGINT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    bytes BLOB NOT NULL
);

CREATE TABLE region_aliases (
    alias TEXT NOT NULL,
    old_code TEXT,
    code TEXT NOT NULL REFERENCES regions(code),
    note TEXT
);
CREATE INDEX region_aliases_alias_idx ON region_aliases (alias);

-- natural keys
CREATE UNIQUE INDEX orgs_nk ON orgs (name);
CREATE UNIQUE INDEX programs_nk ON programs (name);
CREATE UNIQUE INDEX pairings_nk ON pairings (program_id, supporter_org_id, receiver_org_id, level);
CREATE UNIQUE INDEX agreements_nk ON agreements (pairing_id, title);
CREATE UNIQUE INDEX needs_nk ON needs (pairing_id, title);
CREATE UNIQUE INDEX projects_nk ON projects (pairing_id, name);
CREATE UNIQUE INDEX project_funding_nk ON project_funding (project_id, source);
CREATE UNIQUE INDEX outputs_nk ON outputs (project_id, name);
CREATE UNIQUE INDEX stints_nk ON stints (dispatch_id, start_date);
CREATE UNIQUE INDEX appraisals_nk ON appraisals (dispatch_id, year);
CREATE UNIQUE INDEX document_links_nk ON document_links (document_id, entity, entity_id);
CREATE UNIQUE INDEX indicator_values_nk ON indicator_values (indicator_id, COALESCE(region_code, ''), COALESCE(org_id, 0), period);

-- list orders
CREATE INDEX activities_start_date_idx ON activities (start_date);
CREATE INDEX transactions_date_idx ON transactions (date);

-- Supervision (督办) marks, assessments (frozen at sign-off) and the period locks a signed assessment places on its
-- pairings' records.
CREATE TABLE assessments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    program_id INTEGER NOT NULL REFERENCES programs(id),
    pairing_id INTEGER REFERENCES pairings(id),
    period TEXT NOT NULL,
    as_of TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft',
    score INTEGER,
    rating TEXT,
    results TEXT,
    comments TEXT,
    reviewer_id INTEGER REFERENCES users(id),
    signed_by INTEGER REFERENCES users(id),
    signed_at TEXT
);
CREATE INDEX assessments_program_id_idx ON assessments (program_id);
CREATE INDEX assessments_pairing_id_idx ON assessments (pairing_id);

CREATE TABLE period_locks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    pairing_id INTEGER NOT NULL REFERENCES pairings(id),
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    assessment_id INTEGER REFERENCES assessments(id)
);
CREATE INDEX period_locks_pairing_id_idx ON period_locks (pairing_id);

CREATE TABLE supervisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    pairing_id INTEGER NOT NULL REFERENCES pairings(id),
    obligation_id INTEGER NOT NULL REFERENCES obligations(id),
    period TEXT NOT NULL,
    note TEXT NOT NULL,
    due_on TEXT,
    status TEXT,
    resolution TEXT,
    resolved_on TEXT
);
CREATE UNIQUE INDEX supervisions_nk ON supervisions (pairing_id, obligation_id, period);

-- What users write down for the summary: problems, plans, practices (三、存在问题 / 四、下一步建议).
CREATE TABLE notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    pairing_id INTEGER NOT NULL REFERENCES pairings(id),
    kind TEXT NOT NULL,
    period TEXT,
    text TEXT NOT NULL
);
CREATE INDEX notes_pairing_id_idx ON notes (pairing_id);

-- Quantified facts read from an uploaded summary, proposed as draft records for a person to accept, edit or drop.
CREATE TABLE extractions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    pairing_id INTEGER NOT NULL REFERENCES pairings(id),
    period TEXT,
    quote TEXT NOT NULL,
    start INTEGER NOT NULL,
    value TEXT,
    unit TEXT,
    measure TEXT,
    kind TEXT,
    target TEXT,
    draft TEXT,
    status TEXT NOT NULL DEFAULT 'pending',
    record_id INTEGER,
    decided_by INTEGER REFERENCES users(id)
);
CREATE INDEX extractions_document_id_idx ON extractions (document_id);

-- Tokens of submitted web forms, so a double submit creates one record.
CREATE TABLE form_submissions (
    token TEXT PRIMARY KEY,
    entity TEXT NOT NULL,
    record_id BIGINT NOT NULL
);

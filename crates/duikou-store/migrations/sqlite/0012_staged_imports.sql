-- Who staged each import file (issue #21): only the user who uploaded and checked a file may confirm its import.
-- A staged file is a document; its staging goes with it.
CREATE TABLE staged_imports (
    document_id BIGINT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL
);

-- A document's file kept in pieces of at most 1 MiB (issue #21): an upload is written, and a file read back, one piece
-- at a time, never held whole. The files kept so far are cut into pieces here (an empty file is one empty piece); the
-- table that held them whole goes.
CREATE TABLE document_chunks (
    document_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    bytes BYTEA NOT NULL,
    PRIMARY KEY (document_id, seq)
);

INSERT INTO document_chunks (document_id, seq, bytes)
SELECT c.document_id, s.seq, substring(c.bytes FROM (s.seq * 1048576 + 1)::int FOR 1048576)
FROM document_contents c,
     LATERAL generate_series(0, GREATEST((length(c.bytes) - 1) / 1048576, 0)) AS s(seq);

DROP TABLE document_contents;

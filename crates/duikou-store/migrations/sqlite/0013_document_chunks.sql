-- A document's file kept in pieces of at most 1 MiB (issue #21): an upload is written, and a file read back, one piece
-- at a time, never held whole. The files kept so far are cut into pieces here (an empty file is one empty piece); the
-- table that held them whole goes.
CREATE TABLE document_chunks (
    document_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    bytes BLOB NOT NULL,
    PRIMARY KEY (document_id, seq)
);

WITH RECURSIVE pieces(document_id, seq) AS (
    SELECT document_id, 0 FROM document_contents
    UNION ALL
    SELECT p.document_id, p.seq + 1 FROM pieces p JOIN document_contents c ON c.document_id = p.document_id
    WHERE (p.seq + 1) * 1048576 < length(c.bytes)
)
INSERT INTO document_chunks (document_id, seq, bytes)
SELECT p.document_id, p.seq, COALESCE(substr(c.bytes, p.seq * 1048576 + 1, 1048576), X'')
FROM pieces p JOIN document_contents c ON c.document_id = p.document_id;

DROP TABLE document_contents;

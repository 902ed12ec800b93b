-- Tamper evidence (issue #21): each audit event carries the hash of its record's row as stored after the change
-- ('deleted' when the change removed it; NULL for events about no one row), and a keyed MAC (HMAC-SHA256 with a server
-- secret kept outside the database) over its position and hash; the head carries the MAC of the last event. `duikou
-- audit verify` then compares every row of the data tables with its last event.
ALTER TABLE audit_events ADD COLUMN row_hash TEXT;
ALTER TABLE audit_events ADD COLUMN mac TEXT;
ALTER TABLE audit_head ADD COLUMN mac TEXT;
-- The last event of each row, read in id order per table when verifying.
CREATE INDEX audit_events_row_idx ON audit_events (entity, entity_id, seq) WHERE row_hash IS NOT NULL;

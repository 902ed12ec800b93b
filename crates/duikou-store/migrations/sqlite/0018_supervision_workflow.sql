-- 督办 as a workflow (issue #18 item 2): one item per result (its subject: the pairing, a dispatched person or a
-- stint), the responsible unit, its reply with an attached document, and the states 督办中 → 已回复 → 已整改 / 未整改 → 办结.
-- Items made before were about the pairing as a whole.
ALTER TABLE supervisions ADD COLUMN subject TEXT;
UPDATE supervisions SET subject = 'pairing' WHERE subject IS NULL;
ALTER TABLE supervisions ADD COLUMN org_id INTEGER REFERENCES orgs(id);
ALTER TABLE supervisions ADD COLUMN reply TEXT;
ALTER TABLE supervisions ADD COLUMN replied_on TEXT;
ALTER TABLE supervisions ADD COLUMN replied_on_precision TEXT CHECK (replied_on_precision IN ('day', 'month', 'year'));
ALTER TABLE supervisions ADD COLUMN document_id INTEGER REFERENCES documents(id);
DROP INDEX supervisions_nk;
CREATE UNIQUE INDEX supervisions_nk ON supervisions (pairing_id, obligation_id, period, subject);
CREATE INDEX supervisions_org_id_idx ON supervisions (org_id);
CREATE INDEX supervisions_document_id_idx ON supervisions (document_id);

-- Publication control (issue #20 item 5): a pairing of a published program is public unless it is withheld.
-- Existing pairings stay as public as they were (withheld = false: every pairing of a published program showed).
ALTER TABLE pairings ADD COLUMN withheld BOOLEAN NOT NULL DEFAULT FALSE;

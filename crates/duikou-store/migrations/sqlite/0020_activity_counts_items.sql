-- Counts in any unit and donated goods by kind (issue 16 items 5 and 6): an activity carries counts with their unit
-- from a kept list (人, 车次, 户次, 份, 轮次 …) and donations their goods by category, quantity and value, so that
-- "10套×5万元" and "14万元设备 + 4万元图书" are different facts; a visit carries its direction (来访/出访).
-- Existing activities keep their six counts; their direction is unknown (NULL).
CREATE TABLE activity_counts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    activity_id INTEGER NOT NULL REFERENCES activities(id),
    pairing_id INTEGER REFERENCES pairings(id),
    what TEXT,
    value INTEGER NOT NULL,
    value_approx TEXT,
    value_upper INTEGER,
    unit TEXT NOT NULL,
    note TEXT,
    confirmation TEXT NOT NULL DEFAULT 'pending',
    confirmed_by INTEGER REFERENCES users(id),
    confirmed_at TEXT,
    dispute_reason TEXT
);
CREATE INDEX activity_counts_activity_id_idx ON activity_counts (activity_id);
CREATE INDEX activity_counts_pairing_id_idx ON activity_counts (pairing_id);
CREATE INDEX activity_counts_confirmation_idx ON activity_counts (confirmation);
CREATE INDEX activity_counts_confirmed_by_idx ON activity_counts (confirmed_by);

CREATE TABLE activity_items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    activity_id INTEGER NOT NULL REFERENCES activities(id),
    pairing_id INTEGER REFERENCES pairings(id),
    category TEXT NOT NULL,
    name TEXT,
    quantity INTEGER,
    quantity_approx TEXT,
    quantity_upper INTEGER,
    unit TEXT,
    unit_value INTEGER,
    unit_value_approx TEXT,
    unit_value_upper INTEGER,
    value INTEGER,
    value_approx TEXT,
    value_upper INTEGER,
    note TEXT,
    confirmation TEXT NOT NULL DEFAULT 'pending',
    confirmed_by INTEGER REFERENCES users(id),
    confirmed_at TEXT,
    dispute_reason TEXT
);
CREATE INDEX activity_items_activity_id_idx ON activity_items (activity_id);
CREATE INDEX activity_items_pairing_id_idx ON activity_items (pairing_id);
CREATE INDEX activity_items_confirmation_idx ON activity_items (confirmation);
CREATE INDEX activity_items_confirmed_by_idx ON activity_items (confirmed_by);
ALTER TABLE activities ADD COLUMN direction TEXT;
CREATE INDEX activity_counts_pairing_idx ON activity_counts (pairing_id, id);
CREATE INDEX activity_items_pairing_idx ON activity_items (pairing_id, id);

INSERT INTO row_counts (entity, n) VALUES ('activity_counts', 0), ('activity_items', 0);
CREATE TRIGGER activity_counts_count_ins AFTER INSERT ON activity_counts BEGIN UPDATE row_counts SET n = n + 1 WHERE entity = 'activity_counts'; END;
CREATE TRIGGER activity_counts_count_del AFTER DELETE ON activity_counts BEGIN UPDATE row_counts SET n = n - 1 WHERE entity = 'activity_counts'; END;
CREATE TRIGGER activity_items_count_ins AFTER INSERT ON activity_items BEGIN UPDATE row_counts SET n = n + 1 WHERE entity = 'activity_items'; END;
CREATE TRIGGER activity_items_count_del AFTER DELETE ON activity_items BEGIN UPDATE row_counts SET n = n - 1 WHERE entity = 'activity_items'; END;

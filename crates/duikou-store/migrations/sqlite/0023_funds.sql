-- Money that is not a project's (issue 16 item 4): amounts a pairing gives or spends outside any project (课题经费
-- 20万, 体育公益金 10万, 培养资金 …) with their purpose, source and date, counted where money is counted and never
-- added to a project's funding.
CREATE TABLE funds (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    pairing_id INTEGER NOT NULL REFERENCES pairings(id),
    activity_id INTEGER REFERENCES activities(id),
    purpose TEXT NOT NULL,
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    amount INTEGER NOT NULL,
    amount_approx TEXT,
    amount_upper INTEGER,
    date TEXT NOT NULL,
    date_precision TEXT CHECK (date_precision IN ('day', 'month', 'year')),
    note TEXT,
    confirmation TEXT NOT NULL DEFAULT 'pending',
    confirmed_by INTEGER REFERENCES users(id),
    confirmed_at TEXT,
    dispute_reason TEXT
);
CREATE INDEX funds_pairing_id_idx ON funds (pairing_id);
CREATE INDEX funds_activity_id_idx ON funds (activity_id);
CREATE INDEX funds_confirmation_idx ON funds (confirmation);
CREATE INDEX funds_confirmed_by_idx ON funds (confirmed_by);
CREATE INDEX funds_pairing_sort_idx ON funds (pairing_id, date, id);
CREATE INDEX funds_date_idx ON funds (date, id);

INSERT INTO row_counts (entity, n) VALUES ('funds', 0);
CREATE TRIGGER funds_count_ins AFTER INSERT ON funds BEGIN UPDATE row_counts SET n = n + 1 WHERE entity = 'funds'; END;
CREATE TRIGGER funds_count_del AFTER DELETE ON funds BEGIN UPDATE row_counts SET n = n - 1 WHERE entity = 'funds'; END;

-- Project groups (issue 16 item 3): a yearly plan or batch (援建计划/批次, "2013年安排项目300项、资金42.33亿元") is its
-- own record, with its count of projects, money and category shares; a project may belong to one, a plan to a
-- larger plan. Totals count a group once, as its number of projects, never with its members. Existing projects
-- belong to no group.
CREATE TABLE project_groups (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    pairing_id INTEGER NOT NULL REFERENCES pairings(id),
    parent_id INTEGER REFERENCES project_groups(id),
    name TEXT NOT NULL,
    start_on TEXT NOT NULL,
    start_on_precision TEXT CHECK (start_on_precision IN ('day', 'month', 'year')),
    end_on TEXT,
    end_on_precision TEXT CHECK (end_on_precision IN ('day', 'month', 'year')),
    project_count INTEGER,
    project_count_approx TEXT,
    project_count_upper INTEGER,
    aid_amount INTEGER,
    aid_amount_approx TEXT,
    aid_amount_upper INTEGER,
    total_investment INTEGER,
    total_investment_approx TEXT,
    total_investment_upper INTEGER,
    leveraged_investment INTEGER,
    leveraged_investment_approx TEXT,
    leveraged_investment_upper INTEGER,
    description TEXT,
    confirmation TEXT NOT NULL DEFAULT 'pending',
    confirmed_by INTEGER REFERENCES users(id),
    confirmed_at TEXT,
    dispute_reason TEXT
);
CREATE INDEX project_groups_pairing_id_idx ON project_groups (pairing_id);
CREATE INDEX project_groups_parent_id_idx ON project_groups (parent_id);
CREATE INDEX project_groups_confirmation_idx ON project_groups (confirmation);
CREATE INDEX project_groups_confirmed_by_idx ON project_groups (confirmed_by);

CREATE TABLE project_group_shares (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    group_id INTEGER NOT NULL REFERENCES project_groups(id),
    pairing_id INTEGER REFERENCES pairings(id),
    category TEXT NOT NULL,
    project_count INTEGER,
    project_count_approx TEXT,
    project_count_upper INTEGER,
    aid_amount INTEGER,
    aid_amount_approx TEXT,
    aid_amount_upper INTEGER,
    note TEXT,
    confirmation TEXT NOT NULL DEFAULT 'pending',
    confirmed_by INTEGER REFERENCES users(id),
    confirmed_at TEXT,
    dispute_reason TEXT
);
CREATE INDEX project_group_shares_group_id_idx ON project_group_shares (group_id);
CREATE INDEX project_group_shares_pairing_id_idx ON project_group_shares (pairing_id);
CREATE INDEX project_group_shares_confirmation_idx ON project_group_shares (confirmation);
CREATE INDEX project_group_shares_confirmed_by_idx ON project_group_shares (confirmed_by);
ALTER TABLE projects ADD COLUMN group_id INTEGER REFERENCES project_groups(id);
CREATE INDEX projects_group_id_idx ON projects (group_id);
CREATE INDEX project_groups_pairing_sort_idx ON project_groups (pairing_id, start_on, id);
CREATE INDEX project_group_shares_pairing_idx ON project_group_shares (pairing_id, id);
CREATE INDEX project_groups_start_on_idx ON project_groups (start_on, id);

INSERT INTO row_counts (entity, n) VALUES ('project_groups', 0), ('project_group_shares', 0);
CREATE TRIGGER project_groups_count_ins AFTER INSERT ON project_groups BEGIN UPDATE row_counts SET n = n + 1 WHERE entity = 'project_groups'; END;
CREATE TRIGGER project_groups_count_del AFTER DELETE ON project_groups BEGIN UPDATE row_counts SET n = n - 1 WHERE entity = 'project_groups'; END;
CREATE TRIGGER project_group_shares_count_ins AFTER INSERT ON project_group_shares BEGIN UPDATE row_counts SET n = n + 1 WHERE entity = 'project_group_shares'; END;
CREATE TRIGGER project_group_shares_count_del AFTER DELETE ON project_group_shares BEGIN UPDATE row_counts SET n = n - 1 WHERE entity = 'project_group_shares'; END;

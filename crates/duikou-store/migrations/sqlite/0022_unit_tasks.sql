-- Unit tasks (任务清单, issue 18 item 4): the yearly tasks an authority assigns to its departments or any unit
-- (第3篇: 群众体育司 健身路径器材10套, 青少年体育司 14万元器材 + 4万元图书 …), each with a target (a count with its unit
-- or an amount, approximate like every figure), a due date at its precision and the measure its progress is read by
-- from the unit's own records; and the responsible unit's notes on its progress.
CREATE TABLE unit_tasks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    authority_org_id INTEGER NOT NULL REFERENCES orgs(id),
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    program_id INTEGER REFERENCES programs(id),
    served_pairing_id INTEGER REFERENCES pairings(id),
    year INTEGER NOT NULL,
    title TEXT NOT NULL,
    measure TEXT,
    activity_kind TEXT,
    item_category TEXT,
    target_count INTEGER,
    target_count_approx TEXT,
    target_count_upper INTEGER,
    target_unit TEXT,
    target_amount INTEGER,
    target_amount_approx TEXT,
    target_amount_upper INTEGER,
    due_on TEXT,
    due_on_precision TEXT CHECK (due_on_precision IN ('day', 'month', 'year')),
    done_on TEXT,
    done_on_precision TEXT CHECK (done_on_precision IN ('day', 'month', 'year')),
    note TEXT
);
CREATE INDEX unit_tasks_authority_org_id_idx ON unit_tasks (authority_org_id, year);
CREATE INDEX unit_tasks_org_id_idx ON unit_tasks (org_id, year);
CREATE INDEX unit_tasks_program_id_idx ON unit_tasks (program_id);
CREATE INDEX unit_tasks_served_pairing_id_idx ON unit_tasks (served_pairing_id);

CREATE TABLE unit_task_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    task_id INTEGER NOT NULL REFERENCES unit_tasks(id),
    noted_on TEXT,
    noted_on_precision TEXT CHECK (noted_on_precision IN ('day', 'month', 'year')),
    text TEXT NOT NULL
);
CREATE INDEX unit_task_notes_task_id_idx ON unit_task_notes (task_id);

INSERT INTO row_counts (entity, n) VALUES ('unit_tasks', 0), ('unit_task_notes', 0);
CREATE TRIGGER unit_tasks_count_ins AFTER INSERT ON unit_tasks BEGIN UPDATE row_counts SET n = n + 1 WHERE entity = 'unit_tasks'; END;
CREATE TRIGGER unit_tasks_count_del AFTER DELETE ON unit_tasks BEGIN UPDATE row_counts SET n = n - 1 WHERE entity = 'unit_tasks'; END;
CREATE TRIGGER unit_task_notes_count_ins AFTER INSERT ON unit_task_notes BEGIN UPDATE row_counts SET n = n + 1 WHERE entity = 'unit_task_notes'; END;
CREATE TRIGGER unit_task_notes_count_del AFTER DELETE ON unit_task_notes BEGIN UPDATE row_counts SET n = n - 1 WHERE entity = 'unit_task_notes'; END;

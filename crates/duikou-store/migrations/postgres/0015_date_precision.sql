-- Dates at their real precision (issue 16 item 2): every date column gains a companion `{column}_precision` saying
-- whether the date is known to the day, the month or the year ('day' / 'month' / 'year'; NULL is a day, as every
-- date written before this migration was). The date column keeps the first day the date may stand for.
ALTER TABLE programs ADD COLUMN start_date_precision TEXT CHECK (start_date_precision IN ('day', 'month', 'year'));
ALTER TABLE programs ADD COLUMN end_date_precision TEXT CHECK (end_date_precision IN ('day', 'month', 'year'));
ALTER TABLE pairings ADD COLUMN start_date_precision TEXT CHECK (start_date_precision IN ('day', 'month', 'year'));
ALTER TABLE pairings ADD COLUMN end_date_precision TEXT CHECK (end_date_precision IN ('day', 'month', 'year'));
ALTER TABLE documents ADD COLUMN doc_date_precision TEXT CHECK (doc_date_precision IN ('day', 'month', 'year'));
ALTER TABLE agreements ADD COLUMN signed_on_precision TEXT CHECK (signed_on_precision IN ('day', 'month', 'year'));
ALTER TABLE agreements ADD COLUMN valid_until_precision TEXT CHECK (valid_until_precision IN ('day', 'month', 'year'));
ALTER TABLE needs ADD COLUMN raised_on_precision TEXT CHECK (raised_on_precision IN ('day', 'month', 'year'));
ALTER TABLE needs ADD COLUMN met_on_precision TEXT CHECK (met_on_precision IN ('day', 'month', 'year'));
ALTER TABLE projects ADD COLUMN approved_on_precision TEXT CHECK (approved_on_precision IN ('day', 'month', 'year'));
ALTER TABLE projects ADD COLUMN started_on_precision TEXT CHECK (started_on_precision IN ('day', 'month', 'year'));
ALTER TABLE projects ADD COLUMN completed_on_precision TEXT CHECK (completed_on_precision IN ('day', 'month', 'year'));
ALTER TABLE projects ADD COLUMN accepted_on_precision TEXT CHECK (accepted_on_precision IN ('day', 'month', 'year'));
ALTER TABLE projects ADD COLUMN handed_over_on_precision TEXT CHECK (handed_over_on_precision IN ('day', 'month', 'year'));
ALTER TABLE transactions ADD COLUMN date_precision TEXT CHECK (date_precision IN ('day', 'month', 'year'));
ALTER TABLE outputs ADD COLUMN as_of_precision TEXT CHECK (as_of_precision IN ('day', 'month', 'year'));
ALTER TABLE dispatches ADD COLUMN start_date_precision TEXT CHECK (start_date_precision IN ('day', 'month', 'year'));
ALTER TABLE dispatches ADD COLUMN end_date_precision TEXT CHECK (end_date_precision IN ('day', 'month', 'year'));
ALTER TABLE stints ADD COLUMN start_date_precision TEXT CHECK (start_date_precision IN ('day', 'month', 'year'));
ALTER TABLE stints ADD COLUMN end_date_precision TEXT CHECK (end_date_precision IN ('day', 'month', 'year'));
ALTER TABLE activities ADD COLUMN start_date_precision TEXT CHECK (start_date_precision IN ('day', 'month', 'year'));
ALTER TABLE activities ADD COLUMN end_date_precision TEXT CHECK (end_date_precision IN ('day', 'month', 'year'));
ALTER TABLE supervisions ADD COLUMN due_on_precision TEXT CHECK (due_on_precision IN ('day', 'month', 'year'));
ALTER TABLE supervisions ADD COLUMN resolved_on_precision TEXT CHECK (resolved_on_precision IN ('day', 'month', 'year'));
ALTER TABLE assessments ADD COLUMN as_of_precision TEXT CHECK (as_of_precision IN ('day', 'month', 'year'));
ALTER TABLE period_locks ADD COLUMN start_date_precision TEXT CHECK (start_date_precision IN ('day', 'month', 'year'));
ALTER TABLE period_locks ADD COLUMN end_date_precision TEXT CHECK (end_date_precision IN ('day', 'month', 'year'));

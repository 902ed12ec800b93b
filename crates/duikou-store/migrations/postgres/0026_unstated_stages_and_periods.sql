-- Facts as the source states them (issue 16): a project output's quantity whose stage the source does not say
-- ("安居富民3400户"), the number of kinds of a plan's projects where no kinds are named ("4类6个试点项目"), a yearly
-- task's unit price ("每套5万元…10套"), and how an indicator value's period is meant when the source leaves it open
-- ("以来", "最高", "前后"). Every column is new and empty: existing records keep their meaning.
ALTER TABLE outputs ADD COLUMN reported BIGINT;
ALTER TABLE outputs ADD COLUMN reported_approx TEXT;
ALTER TABLE outputs ADD COLUMN reported_upper BIGINT;
ALTER TABLE project_groups ADD COLUMN category_count BIGINT;
ALTER TABLE unit_tasks ADD COLUMN unit_value BIGINT;
ALTER TABLE unit_tasks ADD COLUMN unit_value_approx TEXT;
ALTER TABLE unit_tasks ADD COLUMN unit_value_upper BIGINT;
ALTER TABLE indicator_values ADD COLUMN period_basis TEXT;

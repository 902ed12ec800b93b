-- Facts as the source states them (issue 16): the level of the post a sent person holds ("其中6人担任领导岗位正职"),
-- and a figure of each unit of a project's output ("每名培养期6个月至1年", "每套80平方米"). Every column is new and
-- empty: existing records keep their meaning.
ALTER TABLE dispatches ADD COLUMN post_level TEXT;
ALTER TABLE outputs ADD COLUMN per_unit_what TEXT;
ALTER TABLE outputs ADD COLUMN per_unit BIGINT;
ALTER TABLE outputs ADD COLUMN per_unit_approx TEXT;
ALTER TABLE outputs ADD COLUMN per_unit_upper BIGINT;
ALTER TABLE outputs ADD COLUMN per_unit_unit TEXT;
-- An output is stated over time ("2011年计划6160户", then "截至2013年初计划8640户"): one statement per output and day
-- it is stated as of. The statements are kept apart and never added; a period takes the latest it holds.
DROP INDEX outputs_nk;
CREATE UNIQUE INDEX outputs_nk ON outputs (project_id, name, as_of);

-- Approximate figures and ranges (issue 16 item 1): a count, amount or quantity keeps its qualifier
-- ({field}_approx: 余, 多, 近, 约, 左右, 以上, 不少于, 至少, 以下) and a range's high end ({field}_upper, the field's
-- own unit: a count, fen, or ten-thousandths). Existing rows keep NULL in both: their figures are exact.
ALTER TABLE activities ADD COLUMN person_times_approx TEXT;
ALTER TABLE activities ADD COLUMN person_times_upper BIGINT;
ALTER TABLE activities ADD COLUMN sessions_approx TEXT;
ALTER TABLE activities ADD COLUMN sessions_upper BIGINT;
ALTER TABLE activities ADD COLUMN courses_approx TEXT;
ALTER TABLE activities ADD COLUMN courses_upper BIGINT;
ALTER TABLE activities ADD COLUMN hours_approx TEXT;
ALTER TABLE activities ADD COLUMN hours_upper BIGINT;
ALTER TABLE activities ADD COLUMN items_approx TEXT;
ALTER TABLE activities ADD COLUMN items_upper BIGINT;
ALTER TABLE activities ADD COLUMN amount_approx TEXT;
ALTER TABLE activities ADD COLUMN amount_upper BIGINT;
ALTER TABLE projects ADD COLUMN total_investment_approx TEXT;
ALTER TABLE projects ADD COLUMN total_investment_upper BIGINT;
ALTER TABLE projects ADD COLUMN leveraged_investment_approx TEXT;
ALTER TABLE projects ADD COLUMN leveraged_investment_upper BIGINT;
ALTER TABLE project_funding ADD COLUMN amount_approx TEXT;
ALTER TABLE project_funding ADD COLUMN amount_upper BIGINT;
ALTER TABLE transactions ADD COLUMN amount_approx TEXT;
ALTER TABLE transactions ADD COLUMN amount_upper BIGINT;
ALTER TABLE outputs ADD COLUMN planned_approx TEXT;
ALTER TABLE outputs ADD COLUMN planned_upper BIGINT;
ALTER TABLE outputs ADD COLUMN started_approx TEXT;
ALTER TABLE outputs ADD COLUMN started_upper BIGINT;
ALTER TABLE outputs ADD COLUMN completed_approx TEXT;
ALTER TABLE outputs ADD COLUMN completed_upper BIGINT;
ALTER TABLE indicator_values ADD COLUMN value_approx TEXT;
ALTER TABLE indicator_values ADD COLUMN value_upper BIGINT;

-- Approximate figures in the kept dashboard aggregates (issue 16 item 1): beside each summed value, what the
-- summing rule needs to write the total (1500余课时, 约1000万元, 20—50人次): {value}_span, the sum of ranges'
-- high end minus value; {value}_ranged, the members with a range; {value}_ge / _le / _about, the members qualified
-- at least (余 多 以上 不少于 至少) / at most (近 以下) / about (约 左右). Kept incrementally like the sums.
ALTER TABLE agg_money ADD COLUMN amount_span BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agg_money ADD COLUMN amount_ranged BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agg_money ADD COLUMN amount_ge BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agg_money ADD COLUMN amount_le BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agg_money ADD COLUMN amount_about BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agg_projects ADD COLUMN investment_span BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agg_projects ADD COLUMN investment_ranged BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agg_projects ADD COLUMN investment_ge BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agg_projects ADD COLUMN investment_le BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agg_projects ADD COLUMN investment_about BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agg_activities ADD COLUMN person_times_span BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agg_activities ADD COLUMN person_times_ranged BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agg_activities ADD COLUMN person_times_ge BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agg_activities ADD COLUMN person_times_le BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agg_activities ADD COLUMN person_times_about BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agg_activities ADD COLUMN sessions_span BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agg_activities ADD COLUMN sessions_ranged BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agg_activities ADD COLUMN sessions_ge BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agg_activities ADD COLUMN sessions_le BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agg_activities ADD COLUMN sessions_about BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agg_activities ADD COLUMN courses_span BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agg_activities ADD COLUMN courses_ranged BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agg_activities ADD COLUMN courses_ge BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agg_activities ADD COLUMN courses_le BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agg_activities ADD COLUMN courses_about BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agg_activities ADD COLUMN hours_span BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agg_activities ADD COLUMN hours_ranged BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agg_activities ADD COLUMN hours_ge BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agg_activities ADD COLUMN hours_le BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agg_activities ADD COLUMN hours_about BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agg_activities ADD COLUMN items_span BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agg_activities ADD COLUMN items_ranged BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agg_activities ADD COLUMN items_ge BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agg_activities ADD COLUMN items_le BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agg_activities ADD COLUMN items_about BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agg_activities ADD COLUMN amount_span BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agg_activities ADD COLUMN amount_ranged BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agg_activities ADD COLUMN amount_ge BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agg_activities ADD COLUMN amount_le BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agg_activities ADD COLUMN amount_about BIGINT NOT NULL DEFAULT 0;
-- Records written since 0014 may already be approximate: forget which scopes the pairings' rows were added to, so
-- that Store::open (aggregates::rebuild_if_missing) rebuilds every aggregate row from the base records, new columns
-- included.
DELETE FROM agg_pairing_scope;

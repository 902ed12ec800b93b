-- Kept obligation problems now carry the obligation's title: evaluate every program's status again on next read.
DELETE FROM assessment_marks;

-- A summary reads a period's activities of many pairings: those still running at the period's start, by pairing.
CREATE INDEX activities_pairing_until_idx ON activities (pairing_id, (COALESCE(end_date, start_date)));

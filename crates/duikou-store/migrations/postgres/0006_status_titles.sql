-- Kept obligation problems now carry the obligation's title: evaluate every program's status again on next read.
DELETE FROM assessment_marks;

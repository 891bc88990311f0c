-- Incoming records of one entity with their partition day: their own, or their parent's (a
-- transcript lives with its call), else the day the source gave (the webhook event's date).
-- A table when the day is a join over the parent's files ({{kind}}): every step of the merge reads it.
CREATE OR REPLACE TEMP {{kind}} incoming_all AS
SELECT i.* EXCLUDE (_day_hint), {{day}} AS date
FROM {{incoming}} i
{{join}};

-- What the merge lands: rows with a day (or of an unpartitioned entity), not expired: a day before
-- {{cutoff}} (the first day retention keeps; NULL: none) is past its retention period.
CREATE OR REPLACE TEMP VIEW incoming_dated AS
SELECT * FROM incoming_all WHERE (date IS NOT NULL OR NOT {{partitioned}}) AND (date >= {{cutoff}}) IS NOT FALSE;

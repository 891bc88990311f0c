-- Incoming records of one entity with their partition day: their own, or their parent's (a
-- transcript lives with its call), else the day the source gave (the webhook event's date).
CREATE OR REPLACE TEMP VIEW incoming_all AS
SELECT i.* EXCLUDE (_day_hint), {{day}} AS date
FROM {{incoming}} i
{{join}};

CREATE OR REPLACE TEMP VIEW incoming_dated AS
SELECT * FROM incoming_all WHERE date IS NOT NULL OR NOT {{partitioned}};

-- Partitions already holding a key that arrives now: a record that moves day leaves its old copy
-- behind unless that partition is rewritten too.
SELECT DISTINCT e.date::VARCHAR AS date
FROM {{existing}} e
SEMI JOIN incoming_dated i USING ({{key}});

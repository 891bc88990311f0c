-- One pass over the incoming rows: how many land (a day, not expired), how many without a partition
-- day (orphans), how many expired (a day before {{cutoff}}, the first day retention keeps), how many
-- distinct keys (fewer than rows: a key arrives twice and the merge needs its window), which days.
SELECT
    count(*) FILTER (WHERE (date IS NOT NULL OR NOT {{partitioned}}) AND (date >= {{cutoff}}) IS NOT FALSE)::BIGINT AS n,
    count(*) FILTER (WHERE date IS NULL AND {{partitioned}})::BIGINT                                       AS orphans,
    count(*) FILTER (WHERE date < {{cutoff}})::BIGINT                                                       AS expired,
    count(DISTINCT {{keyValue}}) FILTER (WHERE (date IS NOT NULL OR NOT {{partitioned}}) AND (date >= {{cutoff}}) IS NOT FALSE)::BIGINT AS keys,
    list(DISTINCT date) FILTER (WHERE date IS NOT NULL AND (date >= {{cutoff}}) IS NOT FALSE)               AS dates
FROM incoming_all;

-- One pass over the incoming rows: how many, how many without a partition day (orphans), how many
-- distinct keys (fewer than rows: a key arrives twice and the merge needs its window), which days.
SELECT
    count(*) FILTER (WHERE date IS NOT NULL OR NOT {{partitioned}})::BIGINT                  AS n,
    count(*) FILTER (WHERE date IS NULL AND {{partitioned}})::BIGINT                         AS orphans,
    count(DISTINCT {{keyValue}}) FILTER (WHERE date IS NOT NULL OR NOT {{partitioned}})::BIGINT AS keys,
    list(DISTINCT date) FILTER (WHERE date IS NOT NULL)                                       AS dates
FROM incoming_all;

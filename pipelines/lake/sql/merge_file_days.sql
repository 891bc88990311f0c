-- Per source file, the records that reach the merge by partition day ('' for an unpartitioned
-- entity), for the folder extract's memo (extract/memo.ts). Lines are counted once: a held-back
-- copy of a line read again is the same record.
SELECT _source_file AS file, coalesce(date, '') AS date, count(DISTINCT _source_line)::BIGINT AS n
FROM incoming_all
WHERE _source_file IS NOT NULL AND (date IS NOT NULL OR NOT {{partitioned}})
GROUP BY ALL;

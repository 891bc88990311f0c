-- Per source file, the records that reach the merge by partition day ('' for an unpartitioned
-- entity), for the folder extract's memo (extract/memo.ts). Records held back by an earlier run and
-- tried again (_seq below zero, held_read.sql) are left out: the line read again is the same record.
SELECT _source_file AS file, coalesce(date, '') AS date, count(*)::BIGINT AS n
FROM incoming_all
WHERE _source_file IS NOT NULL AND _seq >= 0 AND (date IS NOT NULL OR NOT {{partitioned}})
GROUP BY ALL;

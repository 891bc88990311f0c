-- Merged rows of the partitions that change → day partitions (zstd), one file per partition: every
-- merge compacts what it touches. Rows go in partition order, so the writer holds one partition
-- open at a time (unordered, it juggles hundreds and starts second files past 100), and in key
-- order within it, so the same rows give the same bytes.
COPY (
    SELECT {{columns}}, date FROM {{merged}} WHERE {{dirty}} ORDER BY date, {{key}}
) TO {{out}} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (date), FILENAME_PATTERN 'part-{i}', OVERWRITE_OR_IGNORE true);

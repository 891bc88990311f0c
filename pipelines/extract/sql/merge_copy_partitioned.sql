-- Merged rows → day partitions (zstd), one file per partition: every merge compacts what it touches.
COPY (
    SELECT {{columns}}, date FROM {{merged}} {{order}}
) TO {{out}} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (date), FILENAME_PATTERN 'part-{i}', OVERWRITE_OR_IGNORE true);

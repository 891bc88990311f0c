-- Merged rows → day partitions (zstd), one file per partition: every merge compacts what it touches.
-- Row order inside a partition carries no meaning (readers sort), so none is paid for.
COPY (
    SELECT {{columns}}, date FROM {{merged}}
) TO {{out}} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (date), FILENAME_PATTERN 'part-{i}', OVERWRITE_OR_IGNORE true);

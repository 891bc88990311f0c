-- One streaming pass of a drop file for one target: mapped, validated records → day partitions in
-- staging (DuckDB reads the file while it writes, nothing is held in memory). The carrier target
-- also writes each refused source row, with its reason, to `__quarantine__`, and each row that
-- yields none of its records to `__skip__`, so rows read = landed + quarantined needs no second read.
COPY (
{{select}}
) TO {{out}} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (date), FILENAME_PATTERN 'part-{i}', OVERWRITE_OR_IGNORE true);

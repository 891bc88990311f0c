-- The files of one staged partition folded into one (same columns, zstd). Not read as a hive
-- partition: the folder's `date=` would otherwise become a column of the file, which the others lack.
COPY (SELECT * FROM read_parquet({{files}}, hive_partitioning = false)) TO {{out}} (FORMAT parquet, COMPRESSION zstd);

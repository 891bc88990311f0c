-- The files of one staged partition folded into one (same columns, zstd).
COPY (SELECT * FROM read_parquet({{files}})) TO {{out}} (FORMAT parquet, COMPRESSION zstd);

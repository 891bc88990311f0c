-- Day-partitioned raw Parquet (zstd), rows in a stable order so a rerun writes the same lake.
COPY (
    SELECT * FROM landed WHERE date IS NOT NULL ORDER BY date, {{key}}
) TO {{out}} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (date), FILENAME_PATTERN 'part-{i}', OVERWRITE_OR_IGNORE true);

-- An unpartitioned snapshot (dimension entities), rows in key order.
COPY (
    SELECT * EXCLUDE (date) FROM landed ORDER BY {{key}}
) TO {{out}} (FORMAT parquet, COMPRESSION zstd);

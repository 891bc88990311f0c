-- Merged rows of an unpartitioned entity → one snapshot file, in key order.
COPY (
    SELECT {{columns}} FROM {{merged}} ORDER BY {{key}}
) TO {{out}} (FORMAT parquet, COMPRESSION zstd);

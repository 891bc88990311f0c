COPY {{model}} TO {{out}} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY ({{partition}}), FILENAME_PATTERN 'part-{i}', OVERWRITE_OR_IGNORE true);

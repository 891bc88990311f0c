COPY {{model}} TO {{out}} (FORMAT parquet, COMPRESSION zstd);

-- Each file's columns, names and types in order: partitions of one entity must agree, because the
-- transforms read them without union_by_name.
SELECT file_name AS file, string_agg(name || ' ' || coalesce(duckdb_type, type, ''), ', ' ORDER BY column_id) AS signature
FROM parquet_schema({{files}})
GROUP BY file_name;

-- A CSV/TSV drop as text columns (the mapping decides the types); lines that do not parse (too many
-- or too few fields) go to the rejects table with their line number. Rows are numbered in file
-- order only when asked: row_number() makes DuckDB read the file on one thread instead of all.
CREATE OR REPLACE TEMP VIEW src AS
SELECT {{row}} AS _row, *
FROM read_csv({{file}}, delim = {{delim}}, header = {{header}}, quote = {{quote}}, all_varchar = true,
              store_rejects = true, rejects_table = {{rejects}}, rejects_scan = {{scan}}, strict_mode = {{strict}});

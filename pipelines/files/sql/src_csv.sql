-- A CSV/TSV drop as text columns (the mapping decides the types), numbered in file order; lines
-- that do not parse (too many or too few fields) go to the rejects table with their line number.
CREATE OR REPLACE TEMP VIEW src AS
SELECT row_number() OVER () AS _row, *
FROM read_csv({{file}}, delim = {{delim}}, header = {{header}}, quote = {{quote}}, all_varchar = true,
              store_rejects = true, rejects_table = {{rejects}}, rejects_scan = {{scan}}, strict_mode = {{strict}});

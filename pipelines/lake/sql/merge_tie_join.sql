LEFT JOIN (
    SELECT {{key}}, any_value(_source_file) AS _lake_file FROM existing_rows GROUP BY ALL
) lake USING ({{key}})

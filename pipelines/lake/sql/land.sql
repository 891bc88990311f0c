-- Validated records of one entity → latest version per key → with their partition day.
CREATE OR REPLACE TEMP TABLE landed AS
WITH source AS (
    SELECT *
    FROM read_json({{staging}}, format = 'newline_delimited', columns = {{columns}})
),
latest AS (
    SELECT *
    FROM source
    QUALIFY row_number() OVER (PARTITION BY {{key}} ORDER BY {{version}}) = 1
)
SELECT latest.*, {{day}} AS date
FROM latest
{{join}};

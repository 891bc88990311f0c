-- An NDJSON drop, one record per line, numbered by physical line (blank lines skipped, CR dropped);
-- a line that is not a JSON object keeps _j NULL and is quarantined as invalid JSON.
CREATE OR REPLACE TEMP VIEW src AS
SELECT _row, _line, CASE WHEN json_valid(_line) AND starts_with(ltrim(_line), '{') THEN _line::JSON END AS _j
FROM (
    SELECT unnest(generate_series(1, len(lines))) AS _row, unnest(lines) AS _line
    FROM (SELECT string_split(replace(content, chr(13), ''), chr(10)) AS lines FROM read_text({{file}}))
)
WHERE trim(_line) <> '';

-- Incoming rows that tie with the lake's row of their key (same version) but differ from it in
-- content: conflicts with what an earlier run landed. The lake keeps the row it holds (the first
-- version to land wins a tie, whatever source brings the other); the newcomer goes to the
-- quarantine with its full record, counted as a conflict.
CREATE OR REPLACE TEMP TABLE lake_conflicts AS
WITH i AS (
    SELECT {{key}}, _seq, _source_file, _source_line, {{version}} AS _v, {{content}} AS _c FROM incoming_dated
), e AS (
    SELECT {{key}}, any_value(_source_file) AS _lake_file, {{version}} AS _v, any_value({{content}}) AS _c
    FROM existing_rows GROUP BY ALL
)
SELECT i.* EXCLUDE (_c), CAST(to_json(i._c) AS VARCHAR) AS record, e._lake_file
FROM i JOIN e USING ({{key}}, _v)
WHERE i._c IS DISTINCT FROM e._c;

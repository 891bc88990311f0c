-- Two versions of one key with the same version value and different content: a conflict. Every
-- row of such a group is kept out of the lake (both versions go to the quarantine). Only keys that
-- arrive more than once can conflict: their rows alone get their content compared.
CREATE OR REPLACE TEMP TABLE refused_rows AS
WITH repeated AS (
    SELECT {{key}} FROM {{incoming}} GROUP BY ALL HAVING count(*) > 1
), v AS (
    SELECT i.rowid AS _rid, i.*, {{version}} AS _version, {{content}} AS _content
    FROM {{incoming}} i SEMI JOIN repeated USING ({{key}})
), groups AS (
    SELECT {{key}}, _version, count(*) AS n FROM v GROUP BY ALL HAVING count(DISTINCT _content) > 1
)
SELECT v._rid, v._source_file AS file, v._source_line AS line, {{keyField}} AS field,
       {{keyField}} || ': conflict: ' || groups.n || ' versions of one key with the same version (' || coalesce(CAST(v._version AS VARCHAR), 'none') || ') and different content' AS reason,
       CAST(to_json(v._content) AS VARCHAR) AS record, false AS held, NULL::VARCHAR AS since
FROM v JOIN groups USING ({{key}})
WHERE v._version IS NOT DISTINCT FROM groups._version;

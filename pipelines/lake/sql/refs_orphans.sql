-- Records whose parent is not in the lake (checked only for parents that hold rows): held back
-- with their full record until `now` passes their first sighting plus the wait, then quarantined.
INSERT INTO refused_rows
WITH f AS (
    SELECT rowid AS _rid, *, {{flags}}
    FROM {{incoming}}
    WHERE rowid NOT IN (SELECT _rid FROM refused_rows)
), o AS (
    SELECT *, CASE {{whyCases}} END AS _why, CASE {{fieldCases}} END AS _field
    FROM f
    WHERE {{orphan}}
), prev AS (
    SELECT {{key}}, min(_held_since) AS since FROM {{heldPrev}} GROUP BY ALL
)
SELECT o._rid, o._source_file, o._source_line, o._field,
       o._field || ': ' || o._why || CASE WHEN held THEN ', held back until it arrives (retried every run)' ELSE ', quarantined after waiting ' || {{waitHours}} || ' h' END,
       CAST(to_json({{content}}) AS VARCHAR), held, since
FROM (
    SELECT o.*, coalesce(prev.since, {{now}}) AS since,
           CAST(coalesce(prev.since, {{now}}) AS TIMESTAMPTZ) + INTERVAL '{{waitSeconds}} seconds' > CAST({{now}} AS TIMESTAMPTZ) AS held
    FROM o LEFT JOIN prev USING ({{key}})
) o;

-- Partitions whose content changes: those a winner from this batch enters with other content than
-- the lake's row of that key had there (lineage included), and those a record moves out of. Only
-- these are rewritten: a batch that changes nothing (a rerun over the same input) writes nothing.
SELECT DISTINCT date
FROM (
    SELECT m.date
    FROM merged m
    LEFT JOIN (SELECT *, true AS _in_lake FROM existing_rows) e USING ({{key}})
    WHERE m._new AND (e._in_lake IS NULL OR e.date IS DISTINCT FROM m.date OR {{rowM}} IS DISTINCT FROM {{rowE}})
    UNION ALL
    SELECT e.date
    FROM existing_rows e
    JOIN merged m USING ({{key}})
    WHERE e.date IS DISTINCT FROM m.date
);

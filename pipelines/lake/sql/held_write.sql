-- The records still held back, with when they were first held and why (read back by the next run).
COPY (
    SELECT i.* EXCLUDE (_rid), r.since AS _held_since, r.reason AS _held_reason, r.field AS _held_field
    FROM (SELECT rowid AS _rid, * FROM {{incoming}}) i JOIN refused_rows r ON r._rid = i._rid
    WHERE r.held
    QUALIFY row_number() OVER (PARTITION BY {{keyI}} ORDER BY i._seq DESC) = 1
) TO {{file}} (FORMAT json);

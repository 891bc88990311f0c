-- The latest version per key among the existing and the incoming rows; on a tie the incoming row
-- (the later arrival) wins, and among incoming rows the last one to arrive.
CREATE OR REPLACE TEMP TABLE merged AS
SELECT * EXCLUDE (_rank)
FROM (
    SELECT *, row_number() OVER (PARTITION BY {{key}} ORDER BY {{version}} _new DESC, _seq DESC NULLS LAST) AS _rank
    FROM (
        SELECT *, false AS _new FROM existing_rows
        UNION ALL BY NAME
        SELECT *, true AS _new FROM incoming_dated
    )
)
WHERE _rank = 1;

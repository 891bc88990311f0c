-- The incoming rows applied one by one in version order (oldest first) onto what the lake holds:
-- the first version of a new key lands, a later version that differs from the one before it
-- updates, and anything else (the same content again, or older than the lake's row) leaves it
-- unchanged. So a batch holding a call's ringing and completed versions lands one and updates one.
-- The fresh rows (new keys, once in the batch: merge_rows.sql) all land.
WITH c AS (
    SELECT _new, _rank,
           min(_rank) FILTER (WHERE NOT _new) OVER (PARTITION BY {{key}}) AS _lake_rank,
           lag({{row}}) OVER (PARTITION BY {{key}} ORDER BY _rank DESC) AS _prev,
           {{row}} AS _this
    FROM candidates
)
SELECT
    (SELECT count(*) FROM fresh) + count(*) FILTER (WHERE _lake_rank IS NULL AND _prev IS NULL)                  AS landed,
    count(*) FILTER (WHERE (_lake_rank IS NULL OR _rank < _lake_rank) AND _prev IS NOT NULL AND _prev IS DISTINCT FROM _this) AS updated
FROM c
WHERE _new;

-- Rows whose value occurs more than once (NULLs are not_null's business).
SELECT coalesce(sum(n), 0) AS n FROM (
    SELECT count(*) AS n FROM {{model}} WHERE {{column}} IS NOT NULL GROUP BY {{column}} HAVING count(*) > 1
);

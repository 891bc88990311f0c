SELECT coalesce(sum(n), 0) AS n FROM (SELECT count(*) AS n FROM {{model}} GROUP BY {{columns}} HAVING count(*) > 1);

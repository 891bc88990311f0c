SELECT count(*) AS n FROM {{model}} WHERE {{column}} IS NOT NULL AND {{column}} NOT IN ({{values}});

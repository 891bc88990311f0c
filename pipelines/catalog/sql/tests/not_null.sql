SELECT count(*) AS n FROM {{model}} WHERE {{column}} IS NULL;

SELECT count(*) AS n FROM {{model}} WHERE {{failing}};

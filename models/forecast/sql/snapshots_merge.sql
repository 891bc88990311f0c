-- forecast_snapshots: every forecast kept, one per origin (the last observed day it was made after). New rows
-- ({{incoming}}) are merged into the existing snapshots ({{existing}}); per origin, day, line and channel a
-- forecast a run actually issued ('run') beats a backtest's ('backtest'), and the newer beats the older.
-- Origins more than {{retention_days}} days before the newest are dropped.
WITH incoming AS (
    SELECT origin_date, date, CAST(horizon_days AS INTEGER) AS horizon_days, line, channel,
           forecast, lower80, upper80, lower95, upper95, source, model_version, 1 AS is_new
    FROM {{incoming}}
),
existing AS (
    SELECT CAST(origin_date AS DATE) AS origin_date, CAST(date AS DATE) AS date, CAST(horizon_days AS INTEGER) AS horizon_days,
           line, channel, forecast, lower80, upper80, lower95, upper95, source, model_version, 0 AS is_new
    FROM {{existing}}
),
merged AS (
    SELECT * FROM incoming UNION ALL SELECT * FROM existing
)
SELECT origin_date, date, horizon_days, line, channel, forecast, lower80, upper80, lower95, upper95, source, model_version
FROM merged
WHERE origin_date > (SELECT max(origin_date) FROM merged) - {{retention_days}}
QUALIFY row_number() OVER (PARTITION BY origin_date, date, line, channel ORDER BY (source = 'run') DESC, is_new DESC) = 1
ORDER BY origin_date, channel, line, date

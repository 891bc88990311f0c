-- forecast_accuracy: past forecasts (forecast_snapshots) against what happened (daily_volume, incoming; 'All' =
-- the lines summed), per week of the forecast day, horizon week (1 = 1-7 days ahead, 2 = 8-14, …), line and
-- channel. MASE scales each error by the series' in-sample seasonal-naive error (mean |y_t − y_{t−7}| over
-- the 56 days up to the forecast's origin); WAPE = Σ|f − y| ÷ Σy; bias = (Σf − Σy) ÷ Σy; coverage = share of
-- days whose actual lies inside the 80% (95%) interval.
WITH per_line AS (
    SELECT CAST(date AS DATE) AS date, CAST(line AS VARCHAR) AS line, CAST(channel AS VARCHAR) AS channel, sum(interactions)::DOUBLE AS y
    FROM {{daily_volume}}
    WHERE direction = 'incoming' AND line IS NOT NULL
    GROUP BY ALL
),
actual AS (
    SELECT * FROM per_line
    UNION ALL
    SELECT date, 'All' AS line, channel, sum(y) AS y FROM per_line GROUP BY ALL
),
scored AS (
    SELECT s.*, a.y AS actual
    FROM {{snapshots}} s
    JOIN actual a ON a.date = s.date AND a.line = s.line AND a.channel = s.channel
),
scales AS (
    SELECT o.origin_date, o.line, o.channel, avg(abs(a.y - b.y)) AS scale
    FROM (SELECT DISTINCT origin_date, line, channel FROM scored) o
    JOIN actual a ON a.line = o.line AND a.channel = o.channel AND a.date > o.origin_date - 56 AND a.date <= o.origin_date
    JOIN actual b ON b.line = a.line AND b.channel = a.channel AND b.date = a.date - 7
    GROUP BY ALL
)
SELECT date_trunc('week', s.date)::DATE                                        AS week_start,
       CAST(ceil(s.horizon_days / 7.0) AS INTEGER)                             AS horizon_week,
       s.line,
       s.channel,
       CAST(count(*) AS INTEGER)                                               AS days,
       CAST(count(DISTINCT s.origin_date) AS INTEGER)                          AS origins,
       sum(s.actual)                                                           AS actual,
       sum(s.forecast)                                                         AS forecast,
       avg(abs(s.forecast - s.actual))                                         AS mae,
       avg(abs(s.forecast - s.actual) / nullif(c.scale, 0))                    AS mase,
       CASE WHEN sum(s.actual) > 0 THEN sum(abs(s.forecast - s.actual)) / sum(s.actual) END AS wape,
       CASE WHEN sum(s.actual) > 0 THEN (sum(s.forecast) - sum(s.actual)) / sum(s.actual) END AS bias,
       avg(CASE WHEN s.actual BETWEEN s.lower80 AND s.upper80 THEN 1.0 ELSE 0.0 END) AS coverage80,
       avg(CASE WHEN s.actual BETWEEN s.lower95 AND s.upper95 THEN 1.0 ELSE 0.0 END) AS coverage95,
       string_agg(DISTINCT s.source, '+' ORDER BY s.source)                    AS sources
FROM scored s
LEFT JOIN scales c ON c.origin_date = s.origin_date AND c.line = s.line AND c.channel = s.channel
GROUP BY ALL
ORDER BY week_start, horizon_week, channel, line

-- The business-total KPIs of a month and the month before, with kpi_weekly's definitions applied to
-- the calls, interactions and satisfaction marts (kpi_weekly itself is weekly):
-- answer_rate = answered inbound / inbound; avg_handle_seconds = mean handle time of answered inbound;
-- transfer_rate = inbound calls with a transfer / answered inbound; messages = texts, both directions.
WITH m AS (
  SELECT * FROM (VALUES ({{start}}, {{end}}), ({{prev_start}}, {{prev_end}})) t(period_start, period_end)
), c AS (
  SELECT m.period_start,
         count(*) AS calls,
         count(*) FILTER (WHERE direction = 'incoming') AS inbound_calls,
         count(*) FILTER (WHERE direction = 'incoming' AND outcome = 'answered') AS answered,
         count(*) FILTER (WHERE direction = 'incoming' AND outcome = 'abandoned') AS abandoned,
         avg(handle_seconds) FILTER (WHERE direction = 'incoming' AND outcome = 'answered') AS avg_handle_seconds,
         coalesce(sum(transfers), 0) AS transfers,
         count(*) FILTER (WHERE direction = 'incoming' AND transfers > 0) AS transferred_calls
  FROM {{mart:calls}} x JOIN m ON x.date BETWEEN m.period_start AND m.period_end
  GROUP BY m.period_start
), t AS (
  SELECT m.period_start, count(*) AS messages
  FROM {{mart:interactions}} x JOIN m ON x.date BETWEEN m.period_start AND m.period_end
  WHERE x.channel = 'message'
  GROUP BY m.period_start
), s AS (
  SELECT period_start, nps, nps_responses, csat, csat_responses
  FROM {{mart:satisfaction}}
  WHERE period = 'month' AND dimension = 'all' AND period_start IN ({{start}}, {{prev_start}})
)
SELECT CAST(m.period_start AS VARCHAR) AS period_start,
       coalesce(c.calls, 0) AS calls, coalesce(c.inbound_calls, 0) AS inbound_calls, coalesce(c.answered, 0) AS answered,
       c.answered / nullif(c.inbound_calls, 0) AS answer_rate, coalesce(c.abandoned, 0) AS abandoned,
       c.avg_handle_seconds, coalesce(t.messages, 0) AS messages,
       s.nps, coalesce(s.nps_responses, 0) AS nps_responses, s.csat, coalesce(s.csat_responses, 0) AS csat_responses,
       CAST(coalesce(c.transfers, 0) AS BIGINT) AS transfers, c.transferred_calls / nullif(c.answered, 0) AS transfer_rate
FROM m
LEFT JOIN c ON c.period_start = m.period_start
LEFT JOIN t ON t.period_start = m.period_start
LEFT JOIN s ON s.period_start = m.period_start
WHERE c.calls IS NOT NULL OR t.messages IS NOT NULL
ORDER BY 1

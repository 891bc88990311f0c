-- Per agent over the period's weeks: handled calls, handle time, FCR, CSAT and NPS (with their sample
-- sizes, so small samples can be hidden) and the transfer rate, beside their team's.
WITH s AS (
    SELECT * FROM {{mart:agent_scorecard}} WHERE week_start >= {{start}} - 6 AND week_start <= {{end}}
),
agents AS (
    SELECT agent_id, any_value(agent_name) AS agent_name, any_value(team) AS team,
           sum(handled_calls) AS handled_calls, sum(aht_seconds * handled_calls) / nullif(sum(handled_calls) FILTER (WHERE aht_seconds IS NOT NULL), 0) AS aht_seconds,
           sum(cases) AS cases, sum(fcr_rate * cases) / nullif(sum(cases) FILTER (WHERE fcr_rate IS NOT NULL), 0) AS fcr_rate,
           sum(csat_responses) AS csat_responses, sum(csat * csat_responses) / nullif(sum(csat_responses) FILTER (WHERE csat IS NOT NULL), 0) AS csat,
           sum(nps_responses) AS nps_responses, sum(nps * nps_responses) / nullif(sum(nps_responses) FILTER (WHERE nps IS NOT NULL), 0) AS nps,
           sum(transferred_calls) / nullif(sum(handled_calls), 0) AS transfer_rate
    FROM s GROUP BY agent_id
)
SELECT a.*,
       sum(a.aht_seconds * a.handled_calls) OVER t / nullif(sum(a.handled_calls) FILTER (WHERE a.aht_seconds IS NOT NULL) OVER t, 0) AS team_aht_seconds,
       sum(a.fcr_rate * a.cases) OVER t / nullif(sum(a.cases) FILTER (WHERE a.fcr_rate IS NOT NULL) OVER t, 0) AS team_fcr_rate,
       sum(a.csat * a.csat_responses) OVER t / nullif(sum(a.csat_responses) FILTER (WHERE a.csat IS NOT NULL) OVER t, 0) AS team_csat,
       sum(a.handled_calls * a.transfer_rate) OVER t / nullif(sum(a.handled_calls) OVER t, 0) AS team_transfer_rate
FROM agents a
WINDOW t AS (PARTITION BY a.team)
ORDER BY a.team, a.agent_name, a.agent_id

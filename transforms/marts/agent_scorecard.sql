-- One row per agent and week: handled inbound calls, outbound calls, texts sent, average handle
-- time, first-contact resolution of the cases they opened, CSAT and NPS of the interactions they
-- handled, and how often the calls they answered were transferred on. Every KPI is read from the
-- metrics mart (period 'week', dimension 'agent'), where it is defined once: NPS and CSAT by the day
-- the survey was answered, FCR on cases whose repeat window has closed, shares as 0–1 fractions.
WITH agents AS (
    SELECT user_id AS agent_id, user_name AS agent_name, team FROM {{ ref('stg_users') }}
),
m AS (
    SELECT period_start AS week_start, member AS agent_id,
        max(n) FILTER (WHERE metric = 'calls')                AS calls,
        max(n) FILTER (WHERE metric = 'inbound_calls')        AS inbound_calls,
        max(n) FILTER (WHERE metric = 'transfer_rate')        AS handled_calls,
        max(value) FILTER (WHERE metric = 'aht_seconds')      AS aht_seconds,
        max(n) FILTER (WHERE metric = 'fcr_rate')             AS cases,
        max(value) FILTER (WHERE metric = 'fcr_rate')         AS fcr_rate,
        max(n) FILTER (WHERE metric = 'csat')                 AS csat_responses,
        max(value) FILTER (WHERE metric = 'csat')             AS csat,
        max(n) FILTER (WHERE metric = 'nps')                  AS nps_responses,
        max(value) FILTER (WHERE metric = 'nps')              AS nps,
        max(sum_x) FILTER (WHERE metric = 'transfer_rate')    AS transferred_calls,
        max(value) FILTER (WHERE metric = 'transfer_rate')    AS transfer_rate
    FROM {{ ref('metrics') }}
    WHERE period = 'week' AND dimension = 'agent'
    GROUP BY ALL
),
texts AS (
    SELECT date_trunc('week', date)::DATE AS week_start, agent_id, count(*) AS messages_sent
    FROM {{ ref('interactions') }} WHERE channel = 'message' AND direction = 'outgoing' AND agent_id IS NOT NULL GROUP BY ALL
),
keys AS (
    SELECT week_start, agent_id FROM m UNION SELECT week_start, agent_id FROM texts
)
SELECT
    k.week_start,
    k.agent_id,
    a.agent_name,
    a.team,
    coalesce(m.handled_calls, 0)                         AS handled_calls,
    coalesce(m.calls, 0) - coalesce(m.inbound_calls, 0)  AS outbound_calls,
    coalesce(t.messages_sent, 0)                         AS messages_sent,
    m.aht_seconds,
    coalesce(m.cases, 0)                                 AS cases,
    m.fcr_rate,
    coalesce(m.csat_responses, 0)                        AS csat_responses,
    m.csat,
    coalesce(m.nps_responses, 0)                         AS nps_responses,
    m.nps,
    CAST(coalesce(m.transferred_calls, 0) AS BIGINT)     AS transferred_calls,
    m.transfer_rate
FROM keys k
LEFT JOIN agents a USING (agent_id)
LEFT JOIN m USING (week_start, agent_id)
LEFT JOIN texts t USING (week_start, agent_id)
ORDER BY k.week_start, k.agent_id

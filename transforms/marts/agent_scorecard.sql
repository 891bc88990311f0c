-- One row per agent and week: handled inbound calls, outbound calls, texts sent, average handle
-- time, first-contact resolution of the cases they opened, CSAT and NPS of the interactions they
-- handled, and how often the calls they answered were transferred on.
WITH agents AS (
    SELECT user_id AS agent_id, user_name AS agent_name, team FROM {{ ref('stg_users') }}
),
calls AS (
    SELECT date_trunc('week', date)::DATE AS week_start, agent_id,
        count(*) FILTER (WHERE direction = 'incoming' AND outcome = 'answered')                  AS handled_calls,
        count(*) FILTER (WHERE direction = 'outgoing')                                           AS outbound_calls,
        avg(handle_seconds) FILTER (WHERE direction = 'incoming' AND outcome = 'answered')       AS aht_seconds,
        count(*) FILTER (WHERE direction = 'incoming' AND outcome = 'answered' AND transfers > 0) AS transferred_calls
    FROM {{ ref('calls') }} WHERE agent_id IS NOT NULL GROUP BY ALL
),
texts AS (
    SELECT date_trunc('week', date)::DATE AS week_start, agent_id, count(*) AS messages_sent
    FROM {{ ref('interactions') }} WHERE channel = 'message' AND direction = 'outgoing' AND agent_id IS NOT NULL GROUP BY ALL
),
fcr AS (
    SELECT date_trunc('week', date)::DATE AS week_start, first_agent_id AS agent_id, count(*) AS cases,
           count(*) FILTER (WHERE resolved_first_contact) AS resolved
    FROM {{ ref('cases') }} WHERE NOT censored AND first_agent_id IS NOT NULL GROUP BY ALL
),
surveys AS (
    SELECT date_trunc('week', i.date)::DATE AS week_start, i.agent_id,
           count(s.csat) AS csat_responses, count(*) FILTER (WHERE s.csat >= 4) AS satisfied,
           count(s.nps) AS nps_responses, count(*) FILTER (WHERE s.nps >= 9) AS promoters, count(*) FILTER (WHERE s.nps <= 6) AS detractors
    FROM {{ ref('stg_survey_responses') }} s JOIN {{ ref('interactions') }} i ON i.interaction_id = s.interaction_id
    WHERE i.agent_id IS NOT NULL GROUP BY ALL
),
keys AS (
    SELECT week_start, agent_id FROM calls UNION SELECT week_start, agent_id FROM texts
)
SELECT
    k.week_start,
    k.agent_id,
    a.agent_name,
    a.team,
    coalesce(c.handled_calls, 0)                         AS handled_calls,
    coalesce(c.outbound_calls, 0)                        AS outbound_calls,
    coalesce(t.messages_sent, 0)                         AS messages_sent,
    c.aht_seconds,
    coalesce(f.cases, 0)                                 AS cases,
    f.resolved / nullif(f.cases, 0)                      AS fcr_rate,
    coalesce(s.csat_responses, 0)                        AS csat_responses,
    100 * s.satisfied / nullif(s.csat_responses, 0)      AS csat,
    coalesce(s.nps_responses, 0)                         AS nps_responses,
    100 * (s.promoters - s.detractors) / nullif(s.nps_responses, 0) AS nps,
    coalesce(c.transferred_calls, 0)                     AS transferred_calls,
    c.transferred_calls / nullif(c.handled_calls, 0)     AS transfer_rate
FROM keys k
LEFT JOIN agents a USING (agent_id)
LEFT JOIN calls c USING (week_start, agent_id)
LEFT JOIN texts t USING (week_start, agent_id)
LEFT JOIN fcr f USING (week_start, agent_id)
LEFT JOIN surveys s USING (week_start, agent_id)
ORDER BY k.week_start, k.agent_id

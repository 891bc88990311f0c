-- One row per answered inbound call with an analysed transcript whose outcome is known: was it
-- resolved at first contact (no inbound call or text from the contact within fcr_window_days after
-- it started), how the customer rated it, and the agent's moves (conversation metrics as yes/no
-- behaviours). The base the playbook compares behaviours on, and the coaching report's per-agent
-- usage. Calls within fcr_window_days of the end of the data are left out: a repeat may still come.
WITH bounds AS (
    SELECT max(started_at) AS data_end FROM {{ ref('interactions') }}
),
inbound AS (
    SELECT contact_id, started_at FROM {{ ref('interactions') }}
    WHERE direction = 'incoming' AND contact_id IS NOT NULL
),
answered AS (
    SELECT c.call_id, c.date, c.started_at, c.line, coalesce(c.topic, 'unclassified') AS topic, c.agent_id, c.contact_id,
           c.queue_seconds
    FROM {{ ref('calls') }} c, bounds b
    WHERE c.direction = 'incoming' AND c.outcome = 'answered' AND c.agent_id IS NOT NULL AND c.contact_id IS NOT NULL
      AND c.started_at <= b.data_end - INTERVAL ({{ var('fcr_window_days') }}) DAY
),
repeats AS (
    SELECT a.call_id, count(*) AS later_contacts
    FROM answered a
    JOIN inbound i ON i.contact_id = a.contact_id AND i.started_at > a.started_at
                  AND i.started_at <= a.started_at + INTERVAL ({{ var('fcr_window_days') }}) DAY
    GROUP BY ALL
),
ratings AS (
    SELECT interaction_id AS call_id, max(csat)::INTEGER AS csat
    FROM {{ ref('stg_survey_responses') }} WHERE channel = 'call' AND csat IS NOT NULL GROUP BY ALL
)
SELECT
    a.call_id, a.date, a.started_at, a.line, a.topic, a.agent_id, a.contact_id,
    r.call_id IS NULL                                              AS resolved,
    s.csat,
    r.call_id IS NULL AND coalesce(is_csat_satisfied(s.csat), true) AS success,
    coalesce(m.agent_questions, 0) >= 2                            AS asks_questions,
    coalesce(m.agent_talk_share, 0) > 0.6                          AS talks_most,
    coalesce(m.longest_agent_monologue_seconds, 0) > 60            AS long_monologue,
    coalesce(m.longest_silence_seconds, 0) > 20                    AS long_silence,
    coalesce(a.queue_seconds, 0) <= {{ var('service_level_seconds') }} AS answered_fast
FROM answered a
JOIN {{ ref('conversation_metrics') }} m ON m.call_id = a.call_id AND m.analysed
LEFT JOIN repeats r ON r.call_id = a.call_id
LEFT JOIN ratings s ON s.call_id = a.call_id

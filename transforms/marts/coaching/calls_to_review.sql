-- Calls a supervisor should review with the agent: answered inbound calls with an analysed
-- transcript rated CSAT 1-2, where the customer asked for a manager, with a silence over 30 s or an
-- agent monologue over 90 s, or where the customer had to contact us again within fcr_window_days.
-- Each with its redacted summary (never the transcript) and the reasons in words. Only calls from
-- the last 183 days of the data are kept: recordings and transcripts are held "for training" for
-- six months (privacy.retention.purposes), and coaching cites nothing older.
WITH bounds AS (
    SELECT max(date) AS last_day FROM {{ ref('interactions') }}
),
inbound AS (
    SELECT contact_id, started_at FROM {{ ref('interactions') }} WHERE direction = 'incoming' AND contact_id IS NOT NULL
),
calls AS (
    SELECT m.call_id, m.date, c.started_at, m.line, coalesce(m.topic, 'unclassified') AS topic, m.agent_id, m.contact_id,
           m.summary, m.escalation_requested, m.longest_silence_seconds, m.longest_agent_monologue_seconds
    FROM {{ ref('conversation_metrics') }} m
    JOIN {{ ref('calls') }} c USING (call_id)
    CROSS JOIN bounds b
    WHERE m.analysed AND m.direction = 'incoming' AND m.agent_id IS NOT NULL AND m.date > b.last_day - 183
),
repeats AS (
    SELECT c.call_id, count(*) AS later
    FROM calls c JOIN inbound i ON i.contact_id = c.contact_id AND i.started_at > c.started_at
        AND i.started_at <= c.started_at + INTERVAL ({{ var('fcr_window_days') }}) DAY
    GROUP BY ALL
),
ratings AS (
    SELECT interaction_id AS call_id, min(csat)::INTEGER AS csat
    FROM {{ ref('stg_survey_responses') }} WHERE channel = 'call' AND csat IS NOT NULL GROUP BY ALL
),
flagged AS (
    SELECT c.*, s.csat,
           coalesce(s.csat <= 2, false)                           AS low_csat,
           coalesce(c.escalation_requested, false)                AS escalation,
           coalesce(c.longest_silence_seconds, 0) > 30            AS long_silence,
           coalesce(c.longest_agent_monologue_seconds, 0) > 90    AS long_monologue,
           r.call_id IS NOT NULL                                  AS repeat_contact
    FROM calls c
    LEFT JOIN ratings s USING (call_id)
    LEFT JOIN repeats r USING (call_id)
)
SELECT
    call_id, date, started_at, line, topic, agent_id, csat, low_csat, escalation, long_silence, long_monologue, repeat_contact,
    (low_csat::INTEGER * 4 + escalation::INTEGER * 3 + repeat_contact::INTEGER * 2 + long_silence::INTEGER + long_monologue::INTEGER)::BIGINT AS severity,
    array_to_string(list_filter([
        CASE WHEN low_csat THEN 'rated CSAT ' || csat END,
        CASE WHEN escalation THEN 'customer asked for a manager' END,
        CASE WHEN repeat_contact THEN 'customer contacted us again within {{ var('fcr_window_days') }} days' END,
        CASE WHEN long_silence THEN 'silence of ' || round(longest_silence_seconds)::BIGINT || ' s' END,
        CASE WHEN long_monologue THEN 'agent monologue of ' || round(longest_agent_monologue_seconds)::BIGINT || ' s' END
    ], x -> x IS NOT NULL), '; ') AS reasons,
    summary
FROM flagged
WHERE low_csat OR escalation OR long_silence OR long_monologue OR repeat_contact
ORDER BY date, agent_id, call_id

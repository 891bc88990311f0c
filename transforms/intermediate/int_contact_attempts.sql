-- Customer-initiated contact attempts: each inbound call, and each day's inbound texts from a
-- contact on a line (a burst of texts is one attempt, not many).
SELECT
    contact_id, interaction_id AS attempt_id, 'call' AS channel, started_at, date, line, agent_id, topic,
    outcome = 'answered' AS handled
FROM {{ ref('interactions') }}
WHERE channel = 'call' AND direction = 'incoming' AND contact_id IS NOT NULL
UNION ALL
SELECT
    contact_id, arg_min(interaction_id, started_at), 'message', min(started_at), date, line,
    arg_min(agent_id, started_at), arg_min(topic, started_at), true
FROM {{ ref('interactions') }}
WHERE channel = 'message' AND direction = 'incoming' AND contact_id IS NOT NULL
GROUP BY contact_id, date, line

-- Which topics come by call and which by text, per month, and how the text share shifts
-- against the previous month (inbound interactions).
WITH m AS (
    SELECT strftime(date, '%Y-%m') AS month, topic,
           count(*) FILTER (WHERE channel = 'call')    AS calls,
           count(*) FILTER (WHERE channel = 'message') AS messages
    FROM {{ ref('interactions') }}
    WHERE direction = 'incoming'
    GROUP BY ALL
)
SELECT
    month,
    topic,
    calls,
    messages,
    messages / (calls + messages)                                                   AS message_share,
    messages / (calls + messages) - lag(messages / (calls + messages)) OVER (PARTITION BY topic ORDER BY month) AS message_share_change
FROM m
ORDER BY month, topic

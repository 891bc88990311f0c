-- Inbound interactions per day, line, channel and topic (only combinations that occur).
SELECT date, line, channel, topic, count(*) AS interactions
FROM {{ ref('interactions') }}
WHERE direction = 'incoming'
GROUP BY ALL
ORDER BY ALL

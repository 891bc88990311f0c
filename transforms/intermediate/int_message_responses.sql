-- For each inbound text, the seconds until the business's next outgoing text in the same thread
-- (line × contact phone), when one follows within 7 days.
WITH thread AS (
    SELECT
        message_id, direction, sent_at,
        min(CASE WHEN direction = 'outgoing' THEN sent_at END)
            OVER (PARTITION BY phone_number_id, contact_phone ORDER BY sent_at, message_id
                  ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS next_reply_at
    FROM {{ ref('stg_messages') }}
)
SELECT
    message_id,
    CASE WHEN next_reply_at <= sent_at + INTERVAL 7 DAY THEN epoch(next_reply_at - sent_at) END AS first_response_seconds
FROM thread
WHERE direction = 'incoming'

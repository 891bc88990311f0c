-- The text of each interaction a topic can be read from: a call's provider summary, a message's body.
SELECT call_id AS interaction_id, 'call' AS channel, lower(summary_text) AS text
FROM {{ ref('stg_call_summaries') }}
WHERE summary_text <> ''
UNION ALL
SELECT message_id, 'message', lower(text)
FROM {{ ref('stg_messages') }}
WHERE direction = 'incoming'

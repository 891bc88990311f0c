-- The redacted text of each interaction a topic and sentiment are read from, from the enrich stage
-- (data/lake/enriched): a call's summary (the provider's, else an extractive one of its transcript)
-- and an inbound message's body, lower-cased. Raw text never reaches the transforms.
-- sentiment: for a call the customer's sentiment at the end of the transcript (how they left), else
-- the summary's; for a message the message's. topic: from the keyword taxonomy, or the trained
-- classifier where it is confident (models/text/topics.ts, classifier.ts).
SELECT
    call_id                                                   AS interaction_id,
    'call'                                                    AS channel,
    lower(summary)                                            AS text,
    date,
    topic,
    coalesce(customer_sentiment_end, summary_sentiment)       AS sentiment,
    CASE WHEN customer_sentiment_end IS NOT NULL THEN 'transcript' ELSE 'summary' END AS sentiment_source,
    escalation_requested
FROM {{ source('call_texts') }}
WHERE summary IS NOT NULL OR analysed
UNION ALL
SELECT
    message_id,
    'message',
    lower(text),
    date,
    topic,
    sentiment,
    'message',
    false
FROM {{ source('message_texts') }}
WHERE direction = 'incoming'

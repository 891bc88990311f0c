-- One row per call the enrich stage read: its (redacted) summary and where it came from, the
-- customer's sentiment at start and end of the transcript, and the conversation metrics computed
-- from the transcript's timed segments (models/text/conversation.ts has the definitions). Calls of
-- contacts who opted out of analysis have no transcript metrics (NULL) and opted_out = true.
SELECT
    c.call_id,
    c.date,
    c.month,
    c.line,
    c.direction,
    c.agent_id,
    c.contact_id,
    c.topic,
    t.opted_out,
    t.analysed,
    t.summary_source,
    t.summary,
    t.next_steps,
    t.turns,
    t.customer_sentiment,
    t.customer_sentiment_start,
    t.customer_sentiment_end,
    t.customer_sentiment_end - t.customer_sentiment_start  AS sentiment_change,
    t.escalation_requested,
    t.agent_talk_seconds,
    t.customer_talk_seconds,
    t.talk_listen_ratio,
    t.agent_talk_share,
    t.longest_agent_monologue_seconds,
    t.longest_customer_monologue_seconds,
    t.silence_seconds,
    t.silence_share,
    t.longest_silence_seconds,
    t.overtalk_seconds,
    t.agent_questions,
    t.customer_questions,
    t.response_latency_seconds,
    t.max_response_latency_seconds
FROM {{ ref('calls') }} c
JOIN {{ source('call_texts') }} t USING (call_id)
-- An incremental build: the months asked for, whole.
WHERE NOT {{ var('is_incremental') }}::BOOLEAN OR c.month IN (SELECT value FROM incremental_partitions())

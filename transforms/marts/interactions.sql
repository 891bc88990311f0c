-- Every call and every text as one interaction, with its channel, line, contact and topic.
-- first_response_seconds (inbound texts): seconds until the next outgoing text to the same
-- contact on the same line, if one follows within 7 days.
SELECT
    call_id                  AS interaction_id,
    'call'                   AS channel,
    date,
    month,
    started_at,
    line,
    direction,
    contact_id,
    agent_id,
    outcome,
    transfers,
    topic,
    NULL::DOUBLE             AS first_response_seconds
FROM {{ ref('calls') }}
UNION ALL
SELECT
    m.message_id,
    'message',
    m.date,
    strftime(m.date, '%Y-%m'),
    m.sent_at,
    m.line,
    m.direction,
    cp.contact_id,
    m.agent_id,
    m.status,
    0,
    coalesce(t.topic, CASE WHEN m.direction = 'incoming' THEN 'unclassified' ELSE 'reply' END),
    CASE WHEN m.direction = 'incoming' THEN r.first_response_seconds END
FROM {{ ref('stg_messages') }} m
LEFT JOIN {{ ref('int_contact_phones') }} cp ON cp.phone_number = m.contact_phone
LEFT JOIN {{ ref('int_interaction_topics') }} t ON t.interaction_id = m.message_id
LEFT JOIN {{ ref('int_message_responses') }} r ON r.message_id = m.message_id

-- One row per call: when, which line, who, how it ended, time in IVR and queue, transfers, topic.
WITH calls AS (
    SELECT * FROM {{ ref('stg_calls') }}
),
flow AS (
    SELECT * FROM {{ ref('int_call_flow') }}
),
outcomes AS (
    SELECT
        c.*,
        f.ivr_seconds,
        f.queue_seconds,
        coalesce(f.transfers, 0)                             AS transfers,
        f.path                                               AS flow_path,
        f.ivr_selection,
        CASE
            WHEN c.answered_at IS NOT NULL                   THEN 'answered'
            WHEN c.direction = 'outgoing'                    THEN 'missed'
            WHEN f.went_to_voicemail                         THEN 'voicemail'
            WHEN c.status = 'abandoned' OR f.abandoned_in_ivr OR f.abandoned_in_queue THEN 'abandoned'
            ELSE 'missed'
        END                                                  AS outcome,
        CASE
            WHEN c.answered_at IS NULL AND f.abandoned_in_ivr   THEN 'ivr'
            WHEN c.answered_at IS NULL AND f.abandoned_in_queue THEN 'queue'
        END                                                  AS abandoned_in
    FROM calls c
    LEFT JOIN flow f USING (call_id)
)
SELECT
    o.call_id,
    o.date,
    strftime(o.date, '%Y-%m')                                AS month,
    o.started_at,
    o.answered_at,
    o.completed_at,
    o.line,
    o.phone_number_id,
    o.direction,
    o.status,
    o.outcome,
    o.abandoned_in,
    o.agent_id,
    cp.contact_id,
    o.duration_seconds,
    o.handle_seconds,
    o.ivr_seconds,
    o.queue_seconds,
    o.transfers,
    o.flow_path,
    o.ivr_selection,
    coalesce(t.topic, 'unclassified')                        AS topic
FROM outcomes o
LEFT JOIN {{ ref('int_contact_phones') }} cp ON cp.phone_number = o.contact_phone
LEFT JOIN {{ ref('int_interaction_topics') }} t ON t.interaction_id = o.call_id

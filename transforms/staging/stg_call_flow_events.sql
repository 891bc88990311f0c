-- One row per call-flow (IVR/routing) event, in order within its call.
WITH source AS (
    SELECT * FROM {{ source('call_flow_events') }}
),
renamed AS (
    SELECT
        id                                                    AS event_id,
        callId                                                AS call_id,
        seq,
        type                                                  AS event_type,
        timezone({{ var('timezone') }}, occurredAt)           AS occurred_at,
        epoch(occurredAt)                                     AS occurred_epoch,  -- for durations across DST changes
        menu,
        option                                                AS menu_option,
        team,
        agentId                                               AS agent_id,
        reason,
        "by"                                                  AS ended_by
    FROM source
)
SELECT * FROM renamed

-- One row per call, times in the business time zone, with its line and the external party
-- (pseudonymised: a keyed hash of the number, as in stg_contacts, so the two still join).
WITH source AS (
    SELECT * FROM {{ source('calls') }}
),
renamed AS (
    SELECT
        s.id                                                  AS call_id,
        s.phoneNumberId                                       AS phone_number_id,
        p.line,
        s.direction,
        s.status,
        timezone({{ var('timezone') }}, s.createdAt)          AS started_at,
        timezone({{ var('timezone') }}, s.answeredAt)         AS answered_at,
        timezone({{ var('timezone') }}, s.completedAt)        AS completed_at,
        s.duration                                            AS duration_seconds,
        -- Durations from the instants, not local clock times, so a DST change cannot add or drop an hour.
        epoch(s.completedAt - s.answeredAt)                   AS handle_seconds,
        pseudonym('ph_', 'phone', s.participants[1]) AS contact_phone,
        coalesce(s.answeredBy, s.initiatedBy)                 AS agent_id,
        s.userId                                              AS user_id
    FROM source s
    LEFT JOIN {{ ref('stg_phone_numbers') }} p ON p.phone_number_id = s.phoneNumberId
)
SELECT *, started_at::DATE AS date FROM renamed

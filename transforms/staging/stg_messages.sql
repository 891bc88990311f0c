-- One row per text message, times in the business time zone, with its line and the external party
-- (pseudonymised as in stg_contacts). The text itself is not here: its redacted form is in the
-- enriched entity message_texts (int_interaction_texts).
WITH source AS (
    SELECT * FROM {{ source('messages') }}
),
renamed AS (
    SELECT
        s.id                                                  AS message_id,
        s.phoneNumberId                                       AS phone_number_id,
        p.line,
        s.direction,
        s.status,
        timezone({{ var('timezone') }}, s.createdAt)          AS sent_at,
        pseudonym('ph_', 'phone', CASE WHEN s.direction = 'incoming' THEN s."from" ELSE s."to"[1] END) AS contact_phone,
        CASE WHEN s.direction = 'outgoing' THEN s.userId END  AS agent_id
    FROM source s
    LEFT JOIN {{ ref('stg_phone_numbers') }} p ON p.phone_number_id = s.phoneNumberId
)
SELECT *, sent_at::DATE AS date FROM renamed

-- One row per survey response (NPS 0-10 and/or CSAT 1-5) tied to the interaction it rates.
WITH source AS (
    SELECT * FROM {{ source('survey_responses') }}
),
renamed AS (
    SELECT
        id                                                    AS response_id,
        interactionId                                         AS interaction_id,
        channel,
        contactId                                             AS contact_id,
        timezone({{ var('timezone') }}, respondedAt)          AS responded_at,
        nps,
        csat,
        comment
    FROM source
)
SELECT *, responded_at::DATE AS date FROM renamed

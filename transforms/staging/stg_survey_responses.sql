-- One row per survey response (NPS 0-10 and/or CSAT 1-5) tied to the interaction it rates. The contact
-- id is pseudonymised as in stg_contacts; the comment is its redacted form from the enriched entity
-- survey_comments (NULL until the enrich stage has run, or for an opted-out contact when configured).
WITH source AS (
    SELECT * FROM {{ source('survey_responses') }}
),
renamed AS (
    SELECT
        id                                                    AS response_id,
        interactionId                                         AS interaction_id,
        channel,
        pseudonym('ct_', 'contact', contactId) AS contact_id,
        timezone({{ var('timezone') }}, respondedAt)          AS responded_at,
        nps,
        csat,
        c.comment
    FROM source s
    LEFT JOIN {{ source('survey_comments') }} c ON c.response_id = s.id
)
SELECT *, responded_at::DATE AS date FROM renamed

-- The positive outcomes the opportunity model predicts (models.opportunity.outcome), one row per
-- contact and day it happened: kind 'field' — the date in the contact's custom field (e.g. a CRM's
-- last-order date; only the latest is known); kind 'topic' — an inbound call or text whose topic is
-- one of the configured topics (e.g. new_order: a conversation tagged as an order).
WITH fields AS (
    SELECT
        pseudonym('ct_', 'contact', id) AS contact_id,
        map_from_entries(list_transform(customFields, f -> {'k': coalesce(f ->> 'key', lower(f ->> 'name')), 'v': f -> 'value'})) AS custom
    FROM {{ source('contacts') }}
)
SELECT contact_id, timezone({{ var('timezone') }}, TRY_CAST(custom[{{ var('opportunity_field') }}] ->> '$' AS TIMESTAMPTZ))::DATE AS outcome_on
FROM fields
WHERE {{ var('opportunity_kind') }} = 'field'
  AND TRY_CAST(custom[{{ var('opportunity_field') }}] ->> '$' AS TIMESTAMPTZ) IS NOT NULL
UNION ALL
SELECT DISTINCT contact_id, date
FROM {{ ref('interactions') }}
WHERE {{ var('opportunity_kind') }} = 'topic' AND direction = 'incoming' AND contact_id IS NOT NULL
  AND list_contains(string_split({{ var('opportunity_topics') }}, ','), topic)

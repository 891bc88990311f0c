-- One row per contact, with the custom fields the warehouse uses pulled out of the JSON list.
-- The contact id and phone number leave the raw zone only as pseudonyms: a keyed hash
-- (pipelines/privacy/pseudonym.ts; key from COMMSIGHT_PSEUDONYM_KEY) that joins like the original.
WITH source AS (
    SELECT * FROM {{ source('contacts') }}
),
fields AS (
    SELECT
        id,
        defaultFields.phoneNumbers[1].value AS phone_number,
        createdAt,
        updatedAt,
        map_from_entries(list_transform(customFields, f -> {'k': coalesce(f ->> 'key', lower(f ->> 'name')), 'v': f -> 'value'})) AS custom
    FROM source
),
renamed AS (
    SELECT
        pseudonym('ct_', 'contact', id)                           AS contact_id,
        pseudonym('ph_', 'phone', phone_number)                   AS phone_number,
        coalesce(custom['segment'] ->> '$', 'Unknown')            AS segment,
        timezone({{ var('timezone') }}, coalesce(TRY_CAST(custom['customer-since'] ->> '$' AS TIMESTAMPTZ), createdAt))::DATE AS customer_since,
        coalesce(TRY_CAST(custom[{{ var('churn_field') }}] ->> '$' AS BOOLEAN), false) AS churned,
        timezone({{ var('timezone') }}, TRY_CAST(custom[{{ var('churn_field') }} || '-at'] ->> '$' AS TIMESTAMPTZ))::DATE AS churned_on,
        coalesce(TRY_CAST(custom['opted-out'] ->> '$' AS BOOLEAN), false) AS opted_out,
        createdAt                                                 AS created_at,
        updatedAt                                                 AS updated_at
    FROM fields
)
SELECT * FROM renamed

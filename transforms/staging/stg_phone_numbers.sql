-- One row per phone number (a "line" of the business: Sales, Support, Billing, ...).
WITH source AS (
    SELECT * FROM {{ source('phone_numbers') }}
),
renamed AS (
    SELECT
        id                  AS phone_number_id,
        name                AS line,
        number              AS phone_number,
        groupId             AS group_id,
        createdAt           AS created_at
    FROM source
)
SELECT * FROM renamed

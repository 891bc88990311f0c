-- One row per user (agent). Users have no list endpoint in the API: they come with phone numbers.
WITH source AS (
    SELECT * FROM {{ source('users') }}
),
renamed AS (
    SELECT
        id                                        AS user_id,
        email,
        trim(coalesce(firstName, '') || ' ' || coalesce(lastName, '')) AS user_name,
        groupId                                   AS team,
        role
    FROM source
)
SELECT * FROM renamed

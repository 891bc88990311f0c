-- Each phone number of each contact, with the contact's names (for [NAME] redaction of their own
-- texts) and whether the contact opted out of analysis (the boolean custom field {{field}}).
WITH c AS (
    SELECT
        id,
        defaultFields.firstName AS first_name,
        defaultFields.lastName  AS last_name,
        defaultFields.phoneNumbers AS phones,
        coalesce(list_bool_or(list_transform(customFields,
            f -> coalesce(f ->> 'key', lower(f ->> 'name')) = {{field}} AND TRY_CAST(f ->> 'value' AS BOOLEAN))), false) AS opted_out
    FROM {{contacts}}
)
-- (unnest in the select list: a lateral `FROM c, unnest(c.phones)` costs ~100x more CPU in DuckDB)
SELECT contact_id, first_name, last_name, opted_out, phone
FROM (SELECT id AS contact_id, first_name, last_name, opted_out, unnest(phones).value AS phone FROM c)
WHERE phone IS NOT NULL
UNION ALL
SELECT id, first_name, last_name, opted_out, NULL FROM c
ORDER BY contact_id, phone NULLS FIRST

-- Phone number → contact (the latest-updated contact wins where a number is shared).
SELECT phone_number, arg_max(contact_id, updated_at) AS contact_id
FROM {{ ref('stg_contacts') }}
WHERE phone_number IS NOT NULL
GROUP BY phone_number

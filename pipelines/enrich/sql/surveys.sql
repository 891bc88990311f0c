-- The survey responses with a comment in one month's partitions.
SELECT id, comment, contactId AS contact_id, strftime(date, '%Y-%m-%d') AS day
FROM {{surveys}}
WHERE comment IS NOT NULL AND trim(comment) <> ''
ORDER BY date, id

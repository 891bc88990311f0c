-- The messages of one month's partitions: the text and the customer's number.
SELECT
    id,
    direction,
    text,
    CASE WHEN direction = 'incoming' THEN "from" ELSE "to"[1] END AS contact_phone,
    strftime(date, '%Y-%m-%d') AS day
FROM {{messages}}
ORDER BY date, id

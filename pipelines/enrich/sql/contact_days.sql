-- The days whose texts belong to a contact key whose digest changed between two snapshots
-- (appeared, disappeared or changed): a message's number (the sender of an incoming message, the
-- first recipient of an outgoing one), a call's first participant, a survey answer's contact id;
-- keyed like sql/contact_digest.sql (the changed keys: sql/contact_changes.sql). A day with a call
-- of the contact counts even when that call has no summary or transcript (cheaper than reading
-- those to check; the caller analyses only days that hold a text at all).
WITH refs AS (
    SELECT DISTINCT date, 'p|' || CASE WHEN direction = 'incoming' THEN "from" ELSE "to"[1] END AS ref FROM {{messages}}
    UNION
    SELECT DISTINCT date, 'p|' || participants[1] FROM {{calls}}
    UNION
    SELECT DISTINCT date, 'i|' || contactId FROM {{surveys}}
),
hashed AS (
    SELECT ref, md5({{salt}} || ref) AS k FROM (SELECT DISTINCT ref FROM refs WHERE ref IS NOT NULL)
)
SELECT DISTINCT strftime(refs.date, '%Y-%m-%d') AS day
FROM refs
JOIN hashed USING (ref)
WHERE hashed.k IN (SELECT k FROM enr_changed_contacts)
ORDER BY day

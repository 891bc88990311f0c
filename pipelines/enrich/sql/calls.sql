-- Calls with a summary or a transcript in one month's partitions: the provider's summary and next
-- steps as one text each (NULL when empty), and the customer's number (the call's first participant).
WITH s AS (
    SELECT callId, summary, nextSteps, date FROM {{summaries}}
),
t AS (
    SELECT callId, date FROM {{transcripts}}
),
c AS (
    SELECT id, participants FROM {{calls}}
),
ids AS (
    SELECT callId, date FROM s UNION SELECT callId, date FROM t
)
SELECT
    ids.callId                                               AS call_id,
    strftime(ids.date, '%Y-%m-%d')                           AS day,
    nullif(trim(array_to_string(coalesce(s.summary, []), ' ')), '')   AS summary,
    nullif(trim(array_to_string(coalesce(s.nextSteps, []), ' ')), '') AS next_steps,
    c.participants[1]                                        AS contact_phone
FROM ids
LEFT JOIN s USING (callId)
LEFT JOIN c ON c.id = ids.callId
ORDER BY ids.date, ids.callId

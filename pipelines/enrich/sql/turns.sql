-- The transcript turns of one month's partitions, one row each, in spoken order within a call.
SELECT
    t.callId           AS call_id,
    u.i - 1            AS turn,
    u.d.content        AS content,
    u.d.start          AS start_seconds,
    u.d."end"          AS end_seconds,
    u.d.userId         AS user_id
FROM {{transcripts}} t, unnest(t.dialogue) WITH ORDINALITY AS u(d, i)
ORDER BY t.callId, u.i

-- The phrases agents say: every 2-4 word sequence within a clause (split at . ! ? , ; : and at
-- redaction placeholders) of the agents' redacted transcript turns, once per call. Only answered
-- inbound calls whose outcome the playbook can judge (playbook_calls) are read.
WITH turns AS (
    SELECT t.call_id, regexp_replace(lower(t.text), '\[[a-z_]+\]', ',', 'g') AS text
    FROM {{ source('transcript_turns') }} t
    SEMI JOIN {{ ref('playbook_calls') }} c ON c.call_id = t.call_id
    WHERE t.speaker = 'agent'
),
clauses AS (
    SELECT call_id, regexp_extract_all(clause, '[a-z0-9]+(?:''[a-z]+)?') AS w
    FROM (SELECT call_id, unnest(regexp_split_to_array(text, '[.!?,;:]+')) AS clause FROM turns)
),
grams AS (
    SELECT call_id, n, unnest(list_transform(range(1, len(w) - n + 2), i -> array_to_string(w[i:i + n - 1], ' '))) AS phrase
    FROM clauses, (VALUES (2), (3), (4)) g(n)
    WHERE len(w) >= n
)
SELECT DISTINCT call_id, phrase, n AS words FROM grams

-- Inbound calls per day, line and outcome (answered, missed, abandoned, voicemail); dense.
WITH grid AS (
    SELECT c.date, l.line, o.outcome
    FROM {{ ref('calendar') }} c
    CROSS JOIN (SELECT DISTINCT line FROM {{ ref('stg_phone_numbers') }}) l
    CROSS JOIN (VALUES ('answered'), ('missed'), ('abandoned'), ('voicemail')) o(outcome)
),
counts AS (
    SELECT date, line, outcome, count(*) AS calls
    FROM {{ ref('calls') }}
    WHERE direction = 'incoming'
    GROUP BY ALL
)
SELECT g.date, g.line, g.outcome, coalesce(c.calls, 0) AS calls
FROM grid g
LEFT JOIN counts c USING (date, line, outcome)
ORDER BY ALL

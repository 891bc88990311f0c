-- Interactions per business-local day, line, channel and direction; dense (days with none are 0).
WITH grid AS (
    SELECT c.date, l.line, ch.channel, d.direction
    FROM {{ ref('calendar') }} c
    CROSS JOIN (SELECT DISTINCT line FROM {{ ref('stg_phone_numbers') }}) l
    CROSS JOIN (VALUES ('call'), ('message')) ch(channel)
    CROSS JOIN (VALUES ('incoming'), ('outgoing')) d(direction)
),
counts AS (
    SELECT date, line, channel, direction, count(*) AS interactions
    FROM {{ ref('interactions') }}
    GROUP BY ALL
)
SELECT g.date, g.line, g.channel, g.direction, coalesce(c.interactions, 0) AS interactions
FROM grid g
LEFT JOIN counts c USING (date, line, channel, direction)
ORDER BY ALL

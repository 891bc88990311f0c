-- How often each agent shows the playbook's helpful behaviours (verdict 'helps', the top 5 per topic
-- and line) on their own calls of that topic and line over the last 90 days of playbook_calls,
-- against the team (every agent on those calls). Only agents with at least min_group_size such
-- calls are listed: a rate over fewer calls would say little and single the agent out.
WITH recent AS (
    SELECT * FROM {{ ref('playbook_calls') }} WHERE date > (SELECT max(date) FROM {{ ref('playbook_calls') }}) - 90
),
items AS (
    SELECT topic, line, rank, kind, item, effect FROM {{ ref('playbook') }} WHERE verdict = 'helps' AND rank <= 5
),
said AS (
    SELECT r.call_id, i.topic, i.line, i.item
    FROM recent r
    JOIN {{ ref('int_agent_phrases') }} p ON p.call_id = r.call_id
    JOIN items i ON i.kind = 'phrase' AND i.topic = r.topic AND i.line IS NOT DISTINCT FROM r.line AND i.item = p.phrase
    UNION ALL
    SELECT r.call_id, i.topic, i.line, i.item
    FROM recent r
    JOIN items i ON i.kind = 'move' AND i.topic = r.topic AND i.line IS NOT DISTINCT FROM r.line
     AND ((i.item = 'asks 2 or more questions' AND r.asks_questions) OR (i.item = 'agent talks over 60% of the time' AND r.talks_most)
       OR (i.item = 'agent monologue over 60 seconds' AND r.long_monologue) OR (i.item = 'a silence over 20 seconds' AND r.long_silence)
       OR (i.item LIKE 'answered within %' AND r.answered_fast))
),
per_agent AS (
    SELECT r.agent_id, i.topic, i.line, i.rank, i.kind, i.item, i.effect, count(DISTINCT r.call_id) AS calls,
           count(DISTINCT s.call_id) AS calls_with
    FROM recent r
    JOIN items i ON i.topic = r.topic AND i.line IS NOT DISTINCT FROM r.line
    LEFT JOIN said s ON s.call_id = r.call_id AND s.item = i.item AND s.topic = i.topic
    GROUP BY ALL
),
team AS (
    SELECT topic, line, item, sum(calls_with) / sum(calls) AS team_rate FROM per_agent GROUP BY ALL
)
SELECT p.agent_id, u.team, p.topic, p.line, p.rank, p.kind, p.item, p.effect, p.calls, p.calls_with,
       p.calls_with / p.calls AS usage_rate, t.team_rate, t.team_rate - p.calls_with / p.calls AS gap
FROM per_agent p
JOIN team t USING (topic, line, item)
LEFT JOIN {{ ref('stg_users') }} u ON u.user_id = p.agent_id
WHERE p.calls >= {{ var('min_group_size') }}
ORDER BY p.agent_id, gap DESC, p.topic, p.rank

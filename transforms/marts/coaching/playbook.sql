-- The agent playbook: per topic and line, the phrases agents say and the moves they make (asking
-- questions, talking most of the call, monologues over a minute, silences over 20 s, answering
-- within the service-level seconds) on calls that went well — resolved at first contact and not
-- rated below CSAT 4 (playbook_calls) — against the calls that did not. For each behaviour: the
-- success rate with and without it, the difference (effect), G² of the 2×2 table (with/without ×
-- success/not) and its p-value, and the rank: behaviours that help significantly (p < 0.001; many
-- are tested) first, by effect. A phrase must be said on ≥ 20 calls (and missing from ≥ 20) by at
-- least min_group_size agents to contacts numbering at least min_group_size, so no item points at
-- one agent or customer (nor may it hold an agent's name); of phrases said on exactly the same calls only the longest is kept
-- ("let's test it together", not also "test it together").
WITH calls AS (
    SELECT * FROM {{ ref('playbook_calls') }}
),
groups AS (
    SELECT topic, line, count(*) AS calls, count(*) FILTER (WHERE success) AS successes,
           count(*) FILTER (WHERE resolved) AS resolved, count(csat) AS rated, count(*) FILTER (WHERE is_csat_satisfied(csat)) AS satisfied
    FROM calls GROUP BY ALL
    HAVING count(*) >= 50
),
phrase_stats AS (
    SELECT c.topic, c.line, 'phrase' AS kind, p.phrase AS item, any_value(p.words) AS words,
           count(*) AS calls_with, count(*) FILTER (WHERE c.success) AS successes_with,
           count(*) FILTER (WHERE c.resolved) AS resolved_with, count(c.csat) AS rated_with,
           count(*) FILTER (WHERE is_csat_satisfied(c.csat)) AS satisfied_with,
           count(DISTINCT c.agent_id) AS agents_with, count(DISTINCT c.contact_id) AS contacts_with,
           bit_xor(hash(c.call_id)) AS fingerprint
    FROM {{ ref('int_agent_phrases') }} p
    JOIN calls c USING (call_id)
    GROUP BY ALL
),
staff_names AS (
    -- Agents' own names (greetings, hand-overs) would point at one agent: such phrases are left out.
    SELECT DISTINCT lower(unnest(string_split(user_name, ' '))) AS word FROM {{ ref('stg_users') }} WHERE user_name IS NOT NULL
),
phrases AS (
    SELECT * EXCLUDE (fingerprint) FROM phrase_stats
    WHERE NOT EXISTS (SELECT 1 FROM staff_names n WHERE list_contains(string_split(item, ' '), n.word))
      AND calls_with >= 20 AND agents_with >= {{ var('min_group_size') }} AND contacts_with >= {{ var('min_group_size') }}
    QUALIFY row_number() OVER (PARTITION BY topic, line, fingerprint, calls_with ORDER BY words DESC, item) = 1
),
moves_long AS (
    SELECT topic, line, agent_id, contact_id, success, resolved, csat, move
    FROM calls
    UNPIVOT (flag FOR move IN (asks_questions, talks_most, long_monologue, long_silence, answered_fast))
    WHERE flag
),
moves AS (
    SELECT topic, line, 'move' AS kind,
           CASE move WHEN 'asks_questions' THEN 'asks 2 or more questions'
                     WHEN 'talks_most' THEN 'agent talks over 60% of the time'
                     WHEN 'long_monologue' THEN 'agent monologue over 60 seconds'
                     WHEN 'long_silence' THEN 'a silence over 20 seconds'
                     ELSE 'answered within ' || {{ var('service_level_seconds') }} || ' seconds' END AS item,
           NULL::BIGINT AS words,
           count(*) AS calls_with, count(*) FILTER (WHERE success) AS successes_with,
           count(*) FILTER (WHERE resolved) AS resolved_with, count(csat) AS rated_with,
           count(*) FILTER (WHERE is_csat_satisfied(csat)) AS satisfied_with,
           count(DISTINCT agent_id) AS agents_with, count(DISTINCT contact_id) AS contacts_with
    FROM moves_long GROUP BY ALL
    HAVING count(*) >= 20 AND count(DISTINCT agent_id) >= {{ var('min_group_size') }} AND count(DISTINCT contact_id) >= {{ var('min_group_size') }}
),
items AS (
    SELECT * FROM phrases UNION ALL BY NAME SELECT * FROM moves
),
scored AS (
    SELECT i.*, g.calls, g.calls - i.calls_with AS calls_without,
           i.successes_with / i.calls_with AS success_rate_with,
           (g.successes - i.successes_with) / (g.calls - i.calls_with) AS success_rate_without,
           i.resolved_with / i.calls_with AS fcr_rate_with,
           (g.resolved - i.resolved_with) / (g.calls - i.calls_with) AS fcr_rate_without,
           100 * i.satisfied_with / nullif(i.rated_with, 0) AS csat_with,
           100 * (g.satisfied - i.satisfied_with) / nullif(g.rated - i.rated_with, 0) AS csat_without,
           g2_2x2(i.successes_with::DOUBLE, (i.calls_with - i.successes_with)::DOUBLE,
                  (g.successes - i.successes_with)::DOUBLE, (g.calls - i.calls_with - g.successes + i.successes_with)::DOUBLE) AS g2
    FROM items i JOIN groups g USING (topic, line)
    WHERE g.calls - i.calls_with >= 20
),
final AS (
    SELECT *, success_rate_with - success_rate_without AS effect, chi2_p1(g2) AS p_value
    FROM scored
)
SELECT
    topic, line,
    row_number() OVER (PARTITION BY topic, line
                       ORDER BY (p_value < 0.001 AND effect > 0) DESC, effect DESC, g2 DESC, kind, item) AS rank,
    kind, item, words, calls, calls_with, calls_without, agents_with,
    success_rate_with, success_rate_without, effect, fcr_rate_with, fcr_rate_without,
    rated_with, csat_with, csat_without, g2, p_value,
    CASE WHEN p_value >= 0.001 THEN 'no clear difference' WHEN effect > 0 THEN 'helps' ELSE 'hurts' END AS verdict
FROM final
ORDER BY topic, line, rank

-- Path frequencies through the IVR by month: the menu options chosen in order, and how calls
-- on that path ended.
WITH paths AS (
    SELECT call_id, string_agg(menu || ':' || coalesce(option_chosen, '(hung up)'), ' > ' ORDER BY seq) AS ivr_path
    FROM {{ ref('int_ivr_steps') }}
    GROUP BY call_id
)
SELECT
    strftime(c.date, '%Y-%m')  AS month,
    p.ivr_path,
    c.outcome,
    count(*)                   AS calls
FROM paths p
JOIN {{ ref('calls') }} c USING (call_id)
GROUP BY ALL
ORDER BY month, calls DESC, ivr_path, outcome

-- Inbound calls and their outcomes by week, line and campaign. Campaigns come from the config
-- (`attribution.campaigns`: a name and the phone numbers — E.164 or PN ids — that advertise it,
-- optionally with a date range); calls on a number no campaign claims are 'unattributed'.
-- new_callers = callers whose first-ever call falls in that week.
WITH campaigns AS (
    SELECT c.name AS campaign, n.number, c.from_date, c.to_date
    FROM (SELECT unnest(from_json({{ var('campaigns_json') }}, '[{"name":"VARCHAR","numbers":["VARCHAR"],"from":"DATE","to":"DATE"}]'), recursive := true)) c(name, numbers, from_date, to_date),
         unnest(c.numbers) n(number)
),
calls AS (
    SELECT c.*, p.phone_number, min(c.date) OVER (PARTITION BY c.contact_id) AS first_call_date
    FROM {{ ref('calls') }} c
    LEFT JOIN {{ ref('stg_phone_numbers') }} p USING (phone_number_id)
    WHERE c.direction = 'incoming'
)
SELECT
    date_trunc('week', c.date)::DATE                                       AS week_start,
    c.line,
    coalesce(k.campaign, 'unattributed')                                   AS campaign,
    count(*)                                                               AS calls,
    count(*) FILTER (WHERE c.outcome = 'answered')                         AS answered,
    count(*) FILTER (WHERE c.outcome IN ('missed', 'voicemail'))           AS missed,
    count(*) FILTER (WHERE c.outcome = 'abandoned')                        AS abandoned,
    count(DISTINCT c.contact_id)                                           AS unique_callers,
    count(DISTINCT c.contact_id) FILTER (WHERE c.first_call_date >= date_trunc('week', c.date)) AS new_callers
FROM calls c
LEFT JOIN campaigns k
    ON k.number IN (c.phone_number, c.phone_number_id)
   AND (k.from_date IS NULL OR c.date >= k.from_date)
   AND (k.to_date IS NULL OR c.date <= k.to_date)
GROUP BY ALL
ORDER BY week_start, line, campaign

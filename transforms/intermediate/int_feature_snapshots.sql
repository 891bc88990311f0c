-- The weekly snapshot dates of the feature marts (contact_features, opportunity_features): every
-- 7 days back from the last day of data, from 91 days in (at most 260 weeks), each with that last
-- day (labels are NULL while their window reaches past it). One spine, so both marts snapshot the
-- same days.
WITH bounds AS (
    SELECT min(date) AS first_day, max(date) AS last_day FROM {{ ref('calendar') }}
)
SELECT (last_day - CAST(7 * k AS INTEGER))::DATE AS as_of, last_day
FROM bounds, range(0, 260) r(k)
WHERE last_day - CAST(7 * k AS INTEGER) >= first_day + 91

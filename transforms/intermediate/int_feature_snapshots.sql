-- The snapshot dates of the feature marts (contact_features, opportunity_features), anchored on a
-- fixed weekday so that a new day of data never moves an old snapshot: every Friday (the anchor:
-- ISO day 5; change the anchor below to snapshot on another weekday) from the first one at least 91
-- days after the first day of data up to the last day of data, the newest 260 of them (5 years); plus
-- the last day of data itself when it is not a Friday, so the models can score "as of today". Friday,
-- the week's last full business day: a snapshot sees its whole working week, where one taken after a
-- quiet weekend (Sunday, Monday) reads staler signals (on the small demo every churn driver separates
-- churners less well on Sunday snapshots than on Wednesday to Friday ones). Each row
-- carries that last day (labels are NULL while their window reaches past it). One spine, so both
-- marts snapshot the same days; the marts compute a snapshot from the days up to it (and its label
-- from the days after), so an anchored snapshot changes only when data in those windows changes.
WITH bounds AS (
    SELECT min(date) AS first_day, max(date) AS last_day FROM {{ ref('calendar') }}
),
anchors AS (
    -- the newest anchor day on or before the last day of data: (isodow - anchor + 7) % 7 days back,
    -- anchor = 5 (Friday); then every 7 days back from it
    SELECT first_day, last_day, (last_day - CAST((isodow(last_day) - 5 + 7) % 7 AS INTEGER))::DATE AS newest
    FROM bounds
)
SELECT (newest - CAST(7 * k AS INTEGER))::DATE AS as_of, last_day
FROM anchors, range(0, 260) r(k)
WHERE newest - CAST(7 * k AS INTEGER) >= first_day + 91
UNION ALL
SELECT last_day, last_day
FROM anchors
WHERE last_day <> newest AND last_day >= first_day + 91

-- Churn features per contact as of monthly snapshot dates (every 30 days back from the last day).
-- Windows are the 90 days up to and including as_of; the label says whether the contact churned
-- in the 90 days after as_of (NULL while that window is not complete, e.g. the scoring snapshot).
-- label kind 'explicit': the contact's `churned` custom field with its date; 'inactivity': no
-- interaction in the N days after as_of.
WITH bounds AS (
    SELECT min(date) AS first_day, max(date) AS last_day FROM {{ ref('calendar') }}
),
snapshots AS (
    SELECT (last_day - INTERVAL (30 * k) DAY)::DATE AS as_of, last_day
    FROM bounds, range(0, 40) r(k)
    WHERE last_day - INTERVAL (30 * k) DAY >= first_day + INTERVAL 180 DAY
),
contacts AS (
    SELECT * FROM {{ ref('stg_contacts') }}
),
touches AS (
    SELECT
        contact_id, date, channel, direction, outcome, transfers,
        date - lag(date) OVER (PARTITION BY contact_id ORDER BY started_at) AS days_since_previous
    FROM {{ ref('interactions') }}
    WHERE contact_id IS NOT NULL AND (channel = 'call' OR direction = 'incoming')
),
surveys AS (
    SELECT coalesce(r.contact_id, i.contact_id) AS contact_id, r.date, r.responded_at, r.nps, r.csat, r.comment
    FROM {{ ref('stg_survey_responses') }} r
    LEFT JOIN {{ ref('interactions') }} i ON i.interaction_id = r.interaction_id
),
population AS (
    SELECT s.as_of, s.last_day, c.contact_id, c.segment, c.customer_since, c.churned, c.churned_on
    FROM snapshots s
    JOIN contacts c ON c.customer_since <= s.as_of AND (c.churned_on IS NULL OR c.churned_on > s.as_of)
),
activity AS (
    SELECT
        p.as_of, p.contact_id,
        count(*) FILTER (WHERE i.channel = 'call' AND i.date > p.as_of - 90)                                        AS calls_90d,
        count(*) FILTER (WHERE i.channel = 'message' AND i.date > p.as_of - 90)                                     AS messages_90d,
        count(*) FILTER (WHERE i.channel = 'call' AND i.direction = 'incoming' AND i.outcome IN ('missed', 'voicemail') AND i.date > p.as_of - 90) AS missed_90d,
        count(*) FILTER (WHERE i.channel = 'call' AND i.outcome = 'abandoned' AND i.date > p.as_of - 90)            AS abandoned_90d,
        coalesce(sum(i.transfers) FILTER (WHERE i.date > p.as_of - 90), 0)                                          AS transfers_90d,
        count(*) FILTER (WHERE i.days_since_previous <= 7 AND i.date > p.as_of - 90)                                AS repeat_contacts_90d,
        max(i.date)                                                                                                 AS last_contact
    FROM population p
    JOIN touches i ON i.contact_id = p.contact_id AND i.date <= p.as_of
    GROUP BY ALL
),
survey_features AS (
    SELECT
        p.as_of, p.contact_id,
        count(*) FILTER (WHERE s.nps <= 6 AND s.date > p.as_of - 90)                                                AS detractor_90d,
        count(*) FILTER (WHERE s.csat <= 2 AND s.date > p.as_of - 90)                                               AS low_csat_90d,
        count(*) FILTER (WHERE s.date > p.as_of - 90 AND regexp_matches(lower(s.comment), '(frustrat|terrible|awful|still not|worst|useless|angry|disappoint|unacceptable)')) AS negative_comments_90d,
        arg_max(s.nps, s.responded_at) FILTER (WHERE s.nps IS NOT NULL)                                             AS last_nps,
        arg_max(s.csat, s.responded_at) FILTER (WHERE s.csat IS NOT NULL)                                           AS last_csat
    FROM population p
    JOIN surveys s ON s.contact_id = p.contact_id AND s.date <= p.as_of
    GROUP BY ALL
),
future AS (
    SELECT p.as_of, p.contact_id, count(i.contact_id) AS interactions_next
    FROM population p
    LEFT JOIN touches i ON i.contact_id = p.contact_id AND i.date > p.as_of AND i.date <= p.as_of + {{ var('churn_inactivity_days') }}
    GROUP BY ALL
)
SELECT
    p.contact_id,
    p.as_of,
    p.segment,
    (p.as_of - p.customer_since)::INTEGER                         AS tenure_days,
    (p.as_of - a.last_contact)::INTEGER                           AS recency_days,
    coalesce(a.calls_90d, 0)                                      AS calls_90d,
    coalesce(a.messages_90d, 0)                                   AS messages_90d,
    coalesce(a.missed_90d, 0)                                     AS missed_90d,
    coalesce(a.abandoned_90d, 0)                                  AS abandoned_90d,
    coalesce(a.transfers_90d, 0)::BIGINT                          AS transfers_90d,
    coalesce(a.repeat_contacts_90d, 0)                            AS repeat_contacts_90d,
    coalesce(s.detractor_90d, 0)                                  AS detractor_90d,
    coalesce(s.low_csat_90d, 0)                                   AS low_csat_90d,
    coalesce(s.negative_comments_90d, 0)                          AS negative_comments_90d,
    s.last_nps::DOUBLE                                            AS last_nps,
    s.last_csat::DOUBLE                                           AS last_csat,
    CASE
        WHEN p.as_of + 90 > p.last_day THEN NULL
        WHEN {{ var('churn_label') }} = 'inactivity' THEN f.interactions_next = 0
        ELSE p.churned AND p.churned_on <= p.as_of + 90
    END                                                           AS label
FROM population p
LEFT JOIN activity a USING (as_of, contact_id)
LEFT JOIN survey_features s USING (as_of, contact_id)
LEFT JOIN future f USING (as_of, contact_id)
-- Only contacts who have been in touch: a customer never heard from carries no signal here.
WHERE a.last_contact IS NOT NULL
ORDER BY p.as_of, p.contact_id

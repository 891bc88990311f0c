-- Churn features per contact as of weekly snapshot dates (every 7 days back from the last day of
-- data, from 91 days in), one row per customer who was still a customer on the snapshot date and
-- had reached out (an incoming call or message) in the year before it ('explicit' label), or in the
-- {{ var('churn_inactivity_days') }} days before it ('inactivity' label: active before, then silent).
-- Weekly, because churn drivers such as a burst of unresolved contacts show up days, not months,
-- before a customer leaves; a monthly snapshot misses most of them.
-- Counts cover windows ending on as_of: 14 days (the recent burst) and 90 days (the usual level).
-- A case: a contact's inbound touches where each follows the previous within the configured repeat
-- window (transform.fcrWindowDays, as the cases mart and FCR use; default 7 days); a repeat
-- contact is one that continues a case, i.e. the earlier contact left it unresolved.
-- Sentiment proxies (text sentiment may replace them): negative wording in survey comments and in
-- the texts of calls and messages, NPS (0-10), CSAT (1-5); survey score = mean of nps/10 and
-- (csat-1)/4; trend = last 30 days minus the 335 days before.
-- label 'explicit': the contact's churn field says they churned within horizonDays (default 14) after
-- as_of — the horizon over which contact-centre drivers warn of churn, and time to win a customer back;
-- 'inactivity': no inbound touch in the N days after as_of. NULL while that window is incomplete.
WITH bounds AS (
    SELECT min(date) AS first_day, max(date) AS last_day FROM {{ ref('calendar') }}
),
snapshots AS (
    SELECT (last_day - CAST(7 * k AS INTEGER))::DATE AS as_of, last_day
    FROM bounds, range(0, 260) r(k)
    WHERE last_day - CAST(7 * k AS INTEGER) >= first_day + 91
),
texts AS (
    SELECT interaction_id FROM {{ ref('int_interaction_texts') }}
    WHERE regexp_matches(text, '(frustrat|terrible|awful|still not|unacceptable|unhappy|waste of time|worst|angry|disappoint|useless)')
),
inbound AS (
    SELECT
        i.contact_id, i.date, i.started_at, i.channel,
        i.channel = 'call' AND i.outcome IN ('missed', 'voicemail', 'abandoned')          AS missed,
        coalesce(i.transfers, 0)                                                          AS transfers,
        t.interaction_id IS NOT NULL                                                      AS negative_text,
        coalesce(i.date - lag(i.date) OVER (PARTITION BY i.contact_id ORDER BY i.started_at) <= {{ var('fcr_window_days') }}, false) AS repeat_contact
    FROM {{ ref('interactions') }} i
    LEFT JOIN texts t ON t.interaction_id = i.interaction_id
    WHERE i.contact_id IS NOT NULL AND i.direction = 'incoming'
),
cased AS (
    SELECT *, sum(CASE WHEN repeat_contact THEN 0 ELSE 1 END) OVER (PARTITION BY contact_id ORDER BY started_at ROWS UNBOUNDED PRECEDING) AS case_no
    FROM inbound
),
outbound AS (
    SELECT contact_id, date FROM {{ ref('interactions') }}
    WHERE contact_id IS NOT NULL AND direction = 'outgoing' AND channel = 'call'
),
surveys AS (
    SELECT coalesce(r.contact_id, i.contact_id) AS contact_id, r.date, r.responded_at, r.nps, r.csat,
           CASE WHEN r.nps IS NOT NULL AND r.csat IS NOT NULL THEN (r.nps / 10.0 + (r.csat - 1) / 4.0) / 2
                ELSE coalesce(r.nps / 10.0, (r.csat - 1) / 4.0) END AS score,
           regexp_matches(lower(coalesce(r.comment, '')), '(frustrat|terrible|awful|still not|unacceptable|unhappy|worst|angry|disappoint|useless|nobody followed)') AS negative_comment
    FROM {{ ref('stg_survey_responses') }} r
    LEFT JOIN {{ ref('interactions') }} i ON i.interaction_id = r.interaction_id
),
last_touch AS (
    SELECT s.as_of, c.contact_id, max(t.date) AS last_contact
    FROM snapshots s
    JOIN {{ ref('stg_contacts') }} c ON c.customer_since <= s.as_of AND (c.churned_on IS NULL OR c.churned_on > s.as_of)
    JOIN inbound t ON t.contact_id = c.contact_id AND t.date <= s.as_of AND t.date > s.as_of - 365
    GROUP BY ALL
),
population AS (
    SELECT s.as_of, s.last_day, c.contact_id, c.segment, c.customer_since, c.churned, c.churned_on, l.last_contact
    FROM last_touch l
    JOIN snapshots s USING (as_of)
    JOIN {{ ref('stg_contacts') }} c USING (contact_id)
    WHERE {{ var('churn_label') }} <> 'inactivity' OR l.last_contact > s.as_of - {{ var('churn_inactivity_days') }}
),
activity AS (
    SELECT
        p.as_of, p.contact_id,
        count(*) FILTER (WHERE i.channel = 'call' AND i.date > p.as_of - 14)              AS calls_14d,
        count(*) FILTER (WHERE i.channel = 'call' AND i.date > p.as_of - 90)              AS calls_90d,
        count(*) FILTER (WHERE i.channel = 'message' AND i.date > p.as_of - 14)           AS messages_14d,
        count(*) FILTER (WHERE i.channel = 'message' AND i.date > p.as_of - 90)           AS messages_90d,
        count(*) FILTER (WHERE i.missed AND i.date > p.as_of - 14)                        AS missed_14d,
        count(*) FILTER (WHERE i.missed AND i.date > p.as_of - 90)                        AS missed_90d,
        coalesce(sum(i.transfers) FILTER (WHERE i.date > p.as_of - 14), 0)                AS transfers_14d,
        coalesce(sum(i.transfers) FILTER (WHERE i.date > p.as_of - 90), 0)                AS transfers_90d,
        count(*) FILTER (WHERE i.repeat_contact AND i.date > p.as_of - 14)                AS repeat_contacts_14d,
        count(*) FILTER (WHERE i.repeat_contact AND i.date > p.as_of - 90)                AS repeat_contacts_90d,
        count(DISTINCT i.case_no) FILTER (WHERE i.repeat_contact AND i.date > p.as_of - 90) AS unresolved_cases_90d,
        count(*) FILTER (WHERE i.negative_text AND i.date > p.as_of - 14)                 AS negative_texts_14d,
        count(*) FILTER (WHERE i.negative_text AND i.date > p.as_of - 90)                 AS negative_texts_90d,
        count(*) FILTER (WHERE i.date > p.as_of - 365)                                    AS contacts_365d,
        max(i.case_no)                                                                    AS last_case
    FROM population p
    JOIN cased i ON i.contact_id = p.contact_id AND i.date <= p.as_of
    GROUP BY ALL
),
open_case AS (
    -- Contacts in the latest case, while it is still open (its last touch within the repeat window).
    SELECT a.as_of, a.contact_id, count(*) AS open_case_contacts
    FROM activity a
    JOIN cased i ON i.contact_id = a.contact_id AND i.case_no = a.last_case AND i.date <= a.as_of
    GROUP BY ALL
    HAVING max(i.date) > a.as_of - {{ var('fcr_window_days') }}
),
callbacks AS (
    SELECT p.as_of, p.contact_id, count(*) AS outbound_calls_90d
    FROM population p
    JOIN outbound o ON o.contact_id = p.contact_id AND o.date <= p.as_of AND o.date > p.as_of - 90
    GROUP BY ALL
),
survey_features AS (
    SELECT
        p.as_of, p.contact_id,
        count(*) FILTER (WHERE s.nps <= 6 AND s.date > p.as_of - 90)                     AS detractor_90d,
        count(*) FILTER (WHERE s.csat <= 2 AND s.date > p.as_of - 90)                    AS low_csat_90d,
        count(*) FILTER (WHERE s.negative_comment AND s.date > p.as_of - 14)             AS negative_comments_14d,
        count(*) FILTER (WHERE s.negative_comment AND s.date > p.as_of - 90)             AS negative_comments_90d,
        arg_max(s.nps, s.responded_at) FILTER (WHERE s.nps IS NOT NULL)                  AS last_nps,
        arg_max(s.csat, s.responded_at) FILTER (WHERE s.csat IS NOT NULL)                AS last_csat,
        avg(s.score) FILTER (WHERE s.date > p.as_of - 30)                                AS score_30d,
        avg(s.score) FILTER (WHERE s.date <= p.as_of - 30 AND s.date > p.as_of - 365)    AS score_prior
    FROM population p
    JOIN surveys s ON s.contact_id = p.contact_id AND s.date <= p.as_of
    GROUP BY ALL
),
future AS (
    SELECT p.as_of, p.contact_id, count(i.contact_id) AS touches_next
    FROM population p
    LEFT JOIN inbound i ON i.contact_id = p.contact_id AND i.date > p.as_of AND i.date <= p.as_of + {{ var('churn_inactivity_days') }}
    WHERE {{ var('churn_label') }} = 'inactivity'
    GROUP BY ALL
)
SELECT
    p.contact_id,
    p.as_of,
    p.segment,
    (p.as_of - p.customer_since)::INTEGER                          AS tenure_days,
    (p.as_of - p.last_contact)::INTEGER                            AS recency_days,
    a.calls_14d, a.calls_90d, a.messages_14d, a.messages_90d,
    a.missed_14d, a.missed_90d,
    a.transfers_14d::BIGINT                                        AS transfers_14d,
    a.transfers_90d::BIGINT                                        AS transfers_90d,
    a.repeat_contacts_14d, a.repeat_contacts_90d, a.unresolved_cases_90d,
    coalesce(oc.open_case_contacts, 0)                             AS open_case_contacts,
    coalesce(cb.outbound_calls_90d, 0)                             AS outbound_calls_90d,
    a.negative_texts_14d, a.negative_texts_90d,
    coalesce(s.negative_comments_14d, 0)                           AS negative_comments_14d,
    coalesce(s.negative_comments_90d, 0)                           AS negative_comments_90d,
    coalesce(s.detractor_90d, 0)                                   AS detractor_90d,
    coalesce(s.low_csat_90d, 0)                                    AS low_csat_90d,
    s.last_nps::DOUBLE                                             AS last_nps,
    s.last_csat::DOUBLE                                            AS last_csat,
    s.score_30d::DOUBLE                                            AS survey_score_30d,
    (s.score_30d - s.score_prior)::DOUBLE                          AS survey_score_trend,
    a.contacts_365d,
    CASE
        WHEN {{ var('churn_label') }} = 'inactivity' THEN
            CASE WHEN p.as_of + {{ var('churn_inactivity_days') }} > p.last_day THEN NULL ELSE f.touches_next = 0 END
        WHEN p.as_of + {{ var('churn_horizon_days') }} > p.last_day THEN NULL
        ELSE p.churned AND p.churned_on <= p.as_of + {{ var('churn_horizon_days') }}
    END                                                            AS label
FROM population p
JOIN activity a USING (as_of, contact_id)
LEFT JOIN open_case oc USING (as_of, contact_id)
LEFT JOIN callbacks cb USING (as_of, contact_id)
LEFT JOIN survey_features s USING (as_of, contact_id)
LEFT JOIN future f USING (as_of, contact_id)
ORDER BY p.as_of, p.contact_id

-- Churn features per contact as of weekly snapshot dates (int_feature_snapshots: every Friday from
-- 91 days in, and the last day of data), one row per customer who was still a customer on the
-- snapshot date and had reached out (an incoming call or message) in the year before it ('explicit'
-- label), or in the {{ var('churn_inactivity_days') }} days before it ('inactivity' label: active
-- before, then silent).
-- Weekly, because churn drivers such as a burst of unresolved contacts show up days, not months,
-- before a customer leaves; a monthly snapshot misses most of them.
-- Counts cover windows ending on as_of: 14 days (the recent burst) and 90 days (the usual level).
-- A case: a contact's inbound touches where each follows the previous within the configured repeat
-- window (transform.fcrWindowDays, as the cases mart and FCR use; default 7 days); a repeat
-- contact is one that continues a case, i.e. the earlier contact left it unresolved. The open case
-- is counted over at most the year up to as_of.
-- Sentiment proxies (text sentiment may replace them): negative wording in survey comments and in
-- the texts of calls and messages, NPS (0-10), CSAT (1-5); survey score = mean of nps/10 and
-- (csat-1)/4; trend = last 30 days minus the 335 days before.
-- label 'explicit': the contact's churn field says they churned within horizonDays (default 14) after
-- as_of — the horizon over which contact-centre drivers warn of churn, and time to win a customer back;
-- 'inactivity': no inbound touch in the N days after as_of. NULL while that window is incomplete.
--
-- How it is computed, in time linear in its input (not snapshots × whole history): each contact's
-- touches, outbound calls and surveys are summed per day; those day rows and the contact's snapshot
-- rows form one timeline per contact, and each snapshot row reads its windows with RANGE frames
-- over that timeline (one sort; no join of a snapshot with the contact's history).
-- Survey scores are summed as integers (score × 40 is whole), so averages do not depend on row
-- order; touches on the same instant are ordered by interaction id, survey ties by response id.
--
-- Built for a slice: the rows with as_of >= var('incremental_since') ('0001-01-01' on a full build)
-- and every row of the contacts incremental_keys() returns (changed stg_contacts keys; none on a full
-- build) — exactly those rows of a full build. A snapshot reads at most 365 days back (the open case
-- chain fcr_window_days more), so the inputs are scanned from the look-back
-- lo = since - (366 + fcr_window_days) on (every branch "date >= lo" prunes by date), plus the
-- older rows of the changed contacts; the last NPS/CSAT before lo is carried in per contact from an
-- aggregate of the older survey responses (no window over them).
WITH keys AS (
    SELECT DISTINCT key AS contact_id FROM incremental_keys()
),
snapshots AS (
    SELECT as_of, last_day FROM {{ ref('int_feature_snapshots') }}
),
touches AS (
    -- Interactions with a contact from lo on, and the older ones of the changed contacts.
    SELECT contact_id, date, started_at, interaction_id, channel, direction, outcome, transfers
    FROM {{ ref('interactions') }}
    WHERE contact_id IS NOT NULL AND date >= DATE {{ var('incremental_since') }} - (366 + {{ var('fcr_window_days') }})
    UNION ALL
    SELECT i.contact_id, i.date, i.started_at, i.interaction_id, i.channel, i.direction, i.outcome, i.transfers
    FROM keys k
    JOIN {{ ref('interactions') }} i ON i.contact_id = k.contact_id
    WHERE i.date < DATE {{ var('incremental_since') }} - (366 + {{ var('fcr_window_days') }})
),
texts AS (
    -- A text is dated its interaction's day give or take one (UTC against local day): from lo - 2 on,
    -- and the older ones of the changed contacts' touches.
    SELECT interaction_id, text FROM {{ ref('int_interaction_texts') }}
    WHERE date >= DATE {{ var('incremental_since') }} - (368 + {{ var('fcr_window_days') }})
    UNION ALL
    SELECT t.interaction_id, t.text
    FROM (SELECT i.interaction_id FROM touches i JOIN keys k ON k.contact_id = i.contact_id) i
    JOIN {{ ref('int_interaction_texts') }} t ON t.interaction_id = i.interaction_id
    WHERE t.date < DATE {{ var('incremental_since') }} - (368 + {{ var('fcr_window_days') }})
),
negative AS (
    SELECT DISTINCT interaction_id FROM texts
    WHERE regexp_matches(text, '(frustrat|terrible|awful|still not|unacceptable|unhappy|waste of time|worst|angry|disappoint|useless)')
),
inbound AS (
    SELECT
        i.contact_id, i.date, i.started_at, i.interaction_id, i.channel,
        i.channel = 'call' AND i.outcome IN ('missed', 'voicemail', 'abandoned')          AS missed,
        coalesce(i.transfers, 0)                                                          AS transfers,
        t.interaction_id IS NOT NULL                                                      AS negative_text,
        coalesce(i.date - lag(i.date) OVER (PARTITION BY i.contact_id ORDER BY i.started_at, i.interaction_id) <= {{ var('fcr_window_days') }}, false) AS repeat_contact
    FROM touches i
    LEFT JOIN negative t ON t.interaction_id = i.interaction_id
    WHERE i.direction = 'incoming'
),
cased AS (
    SELECT *,
        sum(CASE WHEN repeat_contact THEN 0 ELSE 1 END) OVER w AS case_no,
        row_number() OVER w                                    AS rn
    FROM inbound
    WINDOW w AS (PARTITION BY contact_id ORDER BY started_at, interaction_id ROWS UNBOUNDED PRECEDING)
),
cases AS (
    -- Per case: its first touch, and the first and last day of its repeat touches. Touches of a case
    -- are at most fcr_window_days apart, so a case has a repeat touch in (as_of - 90, as_of] exactly
    -- when its first repeat day is <= as_of and its last is > as_of - 90 (for windows up to 90 days).
    -- Cut at lo, a case loses only touches more than a year before every snapshot of the slice: its
    -- repeats there are no snapshot's, and its open-case count is capped at the year anyway.
    SELECT contact_id, case_no, min(rn) AS first_rn,
           min(date) FILTER (WHERE repeat_contact) AS first_repeat,
           max(date) FILTER (WHERE repeat_contact) AS last_repeat
    FROM cased GROUP BY ALL
),
case_marks AS (
    SELECT contact_id, date, sum(started) AS repeat_cases_started, sum(ended) AS repeat_cases_ended
    FROM (
        SELECT contact_id, first_repeat AS date, 1 AS started, 0 AS ended FROM cases WHERE first_repeat IS NOT NULL
        UNION ALL
        SELECT contact_id, last_repeat, 0, 1 FROM cases WHERE last_repeat IS NOT NULL
    )
    GROUP BY ALL
),
inbound_days AS (
    SELECT
        contact_id, date,
        count(*) FILTER (WHERE channel = 'call')    AS calls,
        count(*) FILTER (WHERE channel = 'message') AS messages,
        count(*) FILTER (WHERE missed)              AS missed,
        sum(transfers)                              AS transfers,
        count(*) FILTER (WHERE repeat_contact)      AS repeats,
        count(*) FILTER (WHERE negative_text)       AS negative_texts,
        count(*)                                    AS touches,
        max(rn)                                     AS last_rn,
        arg_max(case_no, rn)                        AS last_case
    FROM cased GROUP BY ALL
),
outbound_days AS (
    SELECT contact_id, date, count(*) AS outbound
    FROM touches
    WHERE direction = 'outgoing' AND channel = 'call'
    GROUP BY contact_id, date
),
responses AS (
    -- Survey responses with their contact (the response's, else its interaction's).
    SELECT contact_id, date, responded_at, response_id, nps, csat, comment
    FROM {{ ref('stg_survey_responses') }}
    WHERE contact_id IS NOT NULL
    UNION ALL
    SELECT i.contact_id, r.date, r.responded_at, r.response_id, r.nps, r.csat, r.comment
    FROM {{ ref('stg_survey_responses') }} r
    JOIN {{ ref('interactions') }} i ON i.interaction_id = r.interaction_id
    WHERE r.contact_id IS NULL AND i.contact_id IS NOT NULL
),
surveys AS (
    SELECT contact_id, date, responded_at, response_id, nps, csat,
           -- 40 × the score (mean of nps/10 and (csat-1)/4, or the one given): a whole number
           CASE WHEN nps IS NOT NULL AND csat IS NOT NULL THEN 2 * nps + 5 * (csat - 1)
                ELSE coalesce(4 * nps, 10 * (csat - 1)) END::BIGINT AS score40,
           regexp_matches(lower(coalesce(comment, '')), '(frustrat|terrible|awful|still not|unacceptable|unhappy|worst|angry|disappoint|useless|nobody followed)') AS negative_comment
    FROM responses
    WHERE date >= DATE {{ var('incremental_since') }} - (366 + {{ var('fcr_window_days') }})
       OR contact_id IN (SELECT contact_id FROM keys)
),
survey_days AS (
    SELECT contact_id, date,
        count(*) FILTER (WHERE is_detractor(nps)) AS detractors,
        count(*) FILTER (WHERE csat <= 2)        AS low_csat,
        count(*) FILTER (WHERE negative_comment) AS negative_comments,
        coalesce(sum(score40), 0)                AS score40,
        count(score40)                           AS scored,
        arg_max(nps, (responded_at, response_id)) FILTER (WHERE nps IS NOT NULL)   AS day_nps,
        arg_max(csat, (responded_at, response_id)) FILTER (WHERE csat IS NOT NULL) AS day_csat
    FROM surveys
    GROUP BY ALL
),
survey_carry AS (
    -- The last NPS and CSAT before lo of the other contacts, as one timeline row the day before lo.
    SELECT contact_id, DATE {{ var('incremental_since') }} - (367 + {{ var('fcr_window_days') }}) AS date,
        arg_max(nps, (responded_at, response_id)) FILTER (WHERE nps IS NOT NULL)   AS day_nps,
        arg_max(csat, (responded_at, response_id)) FILTER (WHERE csat IS NOT NULL) AS day_csat
    FROM responses
    WHERE date < DATE {{ var('incremental_since') }} - (366 + {{ var('fcr_window_days') }})
      AND contact_id NOT IN (SELECT contact_id FROM keys)
    GROUP BY contact_id
),
spans AS (
    -- Runs of a contact's inbound days less than a year apart: the contact reached out within the
    -- year before every snapshot from a run's first day to a year after its last.
    SELECT contact_id, min(date) AS first_day, max(date) AS last_day
    FROM (
        SELECT contact_id, date, sum(gap) OVER (PARTITION BY contact_id ORDER BY date ROWS UNBOUNDED PRECEDING) AS run
        FROM (
            SELECT contact_id, date,
                   CASE WHEN date - lag(date) OVER (PARTITION BY contact_id ORDER BY date) < 365 THEN 0 ELSE 1 END AS gap
            FROM inbound_days
        )
    )
    GROUP BY contact_id, run
),
candidates AS (
    SELECT s.as_of, s.last_day, c.contact_id, c.segment, c.customer_since, c.churned, c.churned_on
    FROM snapshots s
    JOIN spans r ON s.as_of >= r.first_day AND s.as_of < r.last_day + 365
    JOIN {{ ref('stg_contacts') }} c ON c.contact_id = r.contact_id
    WHERE c.customer_since <= s.as_of AND (c.churned_on IS NULL OR c.churned_on > s.as_of)
      AND (s.as_of >= DATE {{ var('incremental_since') }} OR c.contact_id IN (SELECT contact_id FROM keys))
),
timeline AS (
    -- One row per contact and day with touches, outbound calls or surveys, and one per candidate
    -- snapshot (kind 'snapshot'), in one timeline per contact; the snapshot rows read their windows.
    SELECT d.*, c.first_rn AS last_case_first_rn, m.repeat_cases_started, m.repeat_cases_ended, d.date AS touch_day
    FROM inbound_days d
    JOIN cases c ON c.contact_id = d.contact_id AND c.case_no = d.last_case
    LEFT JOIN case_marks m ON m.contact_id = d.contact_id AND m.date = d.date
    UNION ALL BY NAME SELECT * FROM outbound_days
    UNION ALL BY NAME SELECT * FROM survey_days
    UNION ALL BY NAME SELECT * FROM survey_carry
    UNION ALL BY NAME SELECT *, as_of AS date, true AS snapshot FROM candidates
),
windowed AS (
    SELECT contact_id, as_of, last_day, segment, customer_since, churned, churned_on, snapshot,
        max(touch_day) OVER upto                                AS last_contact,
        last_value(last_rn IGNORE NULLS) OVER upto              AS last_rn,
        last_value(last_case_first_rn IGNORE NULLS) OVER upto   AS last_case_first_rn,
        last_value(day_nps IGNORE NULLS) OVER upto              AS last_nps,
        last_value(day_csat IGNORE NULLS) OVER upto             AS last_csat,
        coalesce(sum(calls) OVER d14, 0)                        AS calls_14d,
        coalesce(sum(calls) OVER d90, 0)                        AS calls_90d,
        coalesce(sum(messages) OVER d14, 0)                     AS messages_14d,
        coalesce(sum(messages) OVER d90, 0)                     AS messages_90d,
        coalesce(sum(missed) OVER d14, 0)                       AS missed_14d,
        coalesce(sum(missed) OVER d90, 0)                       AS missed_90d,
        coalesce(sum(transfers) OVER d14, 0)                    AS transfers_14d,
        coalesce(sum(transfers) OVER d90, 0)                    AS transfers_90d,
        coalesce(sum(repeats) OVER d14, 0)                      AS repeat_contacts_14d,
        coalesce(sum(repeats) OVER d90, 0)                      AS repeat_contacts_90d,
        coalesce(sum(repeat_cases_started) OVER upto, 0) - coalesce(sum(repeat_cases_ended) OVER before90, 0) AS unresolved_cases_90d,
        coalesce(sum(outbound) OVER d90, 0)                     AS outbound_calls_90d,
        coalesce(sum(negative_texts) OVER d14, 0)               AS negative_texts_14d,
        coalesce(sum(negative_texts) OVER d90, 0)               AS negative_texts_90d,
        coalesce(sum(negative_comments) OVER d14, 0)            AS negative_comments_14d,
        coalesce(sum(negative_comments) OVER d90, 0)            AS negative_comments_90d,
        coalesce(sum(detractors) OVER d90, 0)                   AS detractor_90d,
        coalesce(sum(low_csat) OVER d90, 0)                     AS low_csat_90d,
        sum(score40) OVER d30                                   AS score40_30d,
        sum(scored) OVER d30                                    AS scored_30d,
        sum(score40) OVER prior                                 AS score40_prior,
        sum(scored) OVER prior                                  AS scored_prior,
        coalesce(sum(touches) OVER d365, 0)                     AS contacts_365d,
        coalesce(sum(touches) OVER next, 0)                     AS touches_next
    FROM (SELECT *, (date - DATE '1970-01-01')::INTEGER AS day FROM timeline)
    WINDOW
        upto     AS (PARTITION BY contact_id ORDER BY day RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW),
        before90 AS (PARTITION BY contact_id ORDER BY day RANGE BETWEEN UNBOUNDED PRECEDING AND 90 PRECEDING),
        d14      AS (PARTITION BY contact_id ORDER BY day RANGE BETWEEN 13 PRECEDING AND CURRENT ROW),
        d30      AS (PARTITION BY contact_id ORDER BY day RANGE BETWEEN 29 PRECEDING AND CURRENT ROW),
        d90      AS (PARTITION BY contact_id ORDER BY day RANGE BETWEEN 89 PRECEDING AND CURRENT ROW),
        d365     AS (PARTITION BY contact_id ORDER BY day RANGE BETWEEN 364 PRECEDING AND CURRENT ROW),
        prior    AS (PARTITION BY contact_id ORDER BY day RANGE BETWEEN 364 PRECEDING AND 30 PRECEDING),
        next     AS (PARTITION BY contact_id ORDER BY day RANGE BETWEEN 1 FOLLOWING AND {{ var('churn_inactivity_days') }} FOLLOWING)
    QUALIFY snapshot
),
population AS (
    SELECT *,
        CASE WHEN scored_30d > 0 THEN score40_30d / (40.0 * scored_30d) END         AS score_30d,
        CASE WHEN scored_prior > 0 THEN score40_prior / (40.0 * scored_prior) END   AS score_prior
    FROM windowed
    WHERE {{ var('churn_label') }} <> 'inactivity' OR last_contact > as_of - {{ var('churn_inactivity_days') }}
)
SELECT
    p.contact_id,
    p.as_of,
    p.segment,
    (p.as_of - p.customer_since)::INTEGER                          AS tenure_days,
    (p.as_of - p.last_contact)::INTEGER                            AS recency_days,
    p.calls_14d::BIGINT AS calls_14d, p.calls_90d::BIGINT AS calls_90d,
    p.messages_14d::BIGINT AS messages_14d, p.messages_90d::BIGINT AS messages_90d,
    p.missed_14d::BIGINT AS missed_14d, p.missed_90d::BIGINT AS missed_90d,
    p.transfers_14d::BIGINT AS transfers_14d, p.transfers_90d::BIGINT AS transfers_90d,
    p.repeat_contacts_14d::BIGINT AS repeat_contacts_14d, p.repeat_contacts_90d::BIGINT AS repeat_contacts_90d,
    p.unresolved_cases_90d::BIGINT                                 AS unresolved_cases_90d,
    -- the open case's touches within the year (all of the year's touches when it began before it)
    CASE WHEN p.last_contact > p.as_of - {{ var('fcr_window_days') }}
         THEN least(p.last_rn - p.last_case_first_rn + 1, p.contacts_365d) ELSE 0 END::BIGINT AS open_case_contacts,
    p.outbound_calls_90d::BIGINT                                   AS outbound_calls_90d,
    p.negative_texts_14d::BIGINT AS negative_texts_14d, p.negative_texts_90d::BIGINT AS negative_texts_90d,
    p.negative_comments_14d::BIGINT AS negative_comments_14d, p.negative_comments_90d::BIGINT AS negative_comments_90d,
    p.detractor_90d::BIGINT                                        AS detractor_90d,
    p.low_csat_90d::BIGINT                                         AS low_csat_90d,
    p.last_nps::DOUBLE                                             AS last_nps,
    p.last_csat::DOUBLE                                            AS last_csat,
    p.score_30d::DOUBLE                                            AS survey_score_30d,
    (p.score_30d - p.score_prior)::DOUBLE                          AS survey_score_trend,
    p.contacts_365d::BIGINT                                        AS contacts_365d,
    CASE
        WHEN {{ var('churn_label') }} = 'inactivity' THEN
            CASE WHEN p.as_of + {{ var('churn_inactivity_days') }} > p.last_day THEN NULL ELSE p.touches_next = 0 END
        WHEN p.as_of + {{ var('churn_horizon_days') }} > p.last_day THEN NULL
        ELSE p.churned AND p.churned_on <= p.as_of + {{ var('churn_horizon_days') }}
    END                                                            AS label
FROM population p
ORDER BY p.as_of, p.contact_id

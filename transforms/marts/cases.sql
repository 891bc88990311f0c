-- One row per case: a contact's attempts chained while each follows the previous one within
-- fcr_window_days (default 7). A case resolved at first contact has exactly one attempt. A case
-- whose first attempt is within the window before the data ends is censored: a repeat may still
-- join it, so whether it was resolved at first contact is not known yet (macro case_window_closed).
-- Censoring by the first attempt, not the last, keeps the known cases unbiased: judged by the last
-- attempt, recent single-contact cases would stay in while recent chains drop out.
WITH attempts AS (
    SELECT *,
        CASE WHEN started_at - lag(started_at) OVER (PARTITION BY contact_id ORDER BY started_at, attempt_id)
                  <= INTERVAL ({{ var('fcr_window_days') }}) DAY THEN 0 ELSE 1 END AS starts_case
    FROM {{ ref('int_contact_attempts') }}
),
numbered AS (
    SELECT *, sum(starts_case) OVER (PARTITION BY contact_id ORDER BY started_at, attempt_id ROWS UNBOUNDED PRECEDING) AS case_no
    FROM attempts
),
bounds AS (
    SELECT max(started_at) AS data_end FROM {{ ref('int_contact_attempts') }}
)
SELECT
    contact_id || ':' || case_no                            AS case_id,
    contact_id,
    arg_min(attempt_id, started_at)                         AS first_attempt_id,
    min(started_at)                                         AS opened_at,
    max(started_at)                                         AS last_attempt_at,
    min(date)                                               AS date,
    count(*)                                                AS attempts,
    count(DISTINCT channel)                                 AS channels,
    arg_min(channel, started_at)                            AS first_channel,
    arg_min(line, started_at)                               AS line,
    arg_min(agent_id, started_at)                           AS first_agent_id,
    arg_min(topic, started_at)                              AS topic,
    count(*) = 1                                            AS resolved_first_contact,
    NOT case_window_closed(min(started_at), any_value(b.data_end), {{ var('fcr_window_days') }}) AS censored
FROM numbered, bounds b
GROUP BY contact_id, case_no

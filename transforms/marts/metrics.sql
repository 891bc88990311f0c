-- The metrics layer: every observed business metric (transforms/seeds/metric_definitions.csv) by
-- period (day, week from Monday, month) × dimension (all, line, agent, segment, channel, topic), with
-- the units it rests on (n), Σx and Σx², so any range of days or set of groups adds up exactly
-- (value = Σx ÷ n for means, n for counts). Formulas: transforms/macros/metrics.sql. Reports and
-- alert rules read these rows; the older KPI marts apply the same macros.
WITH contacts AS (
    SELECT contact_id, segment FROM {{ ref('stg_contacts') }}
),
calls AS (
    SELECT c.*, coalesce(t.is_loop, false) AS is_loop, ct.segment
    FROM {{ ref('calls') }} c
    LEFT JOIN {{ ref('int_call_teams') }} t USING (call_id)
    LEFT JOIN contacts ct USING (contact_id)
),
facts AS (
    -- metric: calls, inbound_calls, abandoned_calls (counts; x = 1)
    SELECT 'calls' AS metric, date, line, agent_id, segment, 'call' AS channel, topic, 1.0 AS x, contact_id FROM calls
    UNION ALL SELECT 'inbound_calls', date, line, agent_id, segment, 'call', topic, 1.0, contact_id FROM calls WHERE direction = 'incoming'
    UNION ALL SELECT 'abandoned_calls', date, line, agent_id, segment, 'call', topic, 1.0, contact_id FROM calls WHERE direction = 'incoming' AND outcome = 'abandoned'
    -- metric: answer_rate, abandonment_rate (inbound calls)
    UNION ALL SELECT 'answer_rate', date, line, agent_id, segment, 'call', topic, CASE WHEN is_answered(outcome) THEN 1.0 ELSE 0.0 END, contact_id
        FROM calls WHERE direction = 'incoming'
    UNION ALL SELECT 'abandonment_rate', date, line, agent_id, segment, 'call', topic, CASE WHEN is_abandoned(outcome) THEN 1.0 ELSE 0.0 END, contact_id
        FROM calls WHERE direction = 'incoming'
    -- metric: service_level (inbound calls answered or abandoned in the queue)
    UNION ALL SELECT 'service_level', date, line, agent_id, segment, 'call', topic,
        CASE WHEN answered_in_time(outcome, queue_seconds, {{ var('service_level_seconds') }}) THEN 1.0 ELSE 0.0 END, contact_id
        FROM calls WHERE direction = 'incoming' AND counts_for_service_level(outcome, abandoned_in)
    -- metric: asa_seconds, aht_seconds, transfer_rate (answered inbound calls)
    UNION ALL SELECT 'asa_seconds', date, line, agent_id, segment, 'call', topic, asa_x(outcome, queue_seconds), contact_id
        FROM calls WHERE direction = 'incoming' AND asa_x(outcome, queue_seconds) IS NOT NULL
    UNION ALL SELECT 'aht_seconds', date, line, agent_id, segment, 'call', topic, aht_x(outcome, handle_seconds), contact_id
        FROM calls WHERE direction = 'incoming' AND aht_x(outcome, handle_seconds) IS NOT NULL
    UNION ALL SELECT 'transfer_rate', date, line, agent_id, segment, 'call', topic, CASE WHEN is_transferred(transfers) THEN 1.0 ELSE 0.0 END, contact_id
        FROM calls WHERE direction = 'incoming' AND outcome = 'answered'
    -- metric: loop_rate (transferred answered inbound calls)
    UNION ALL SELECT 'loop_rate', date, line, agent_id, segment, 'call', topic, CASE WHEN is_loop THEN 1.0 ELSE 0.0 END, contact_id
        FROM calls WHERE direction = 'incoming' AND outcome = 'answered' AND is_transferred(transfers)
    -- metric: messages (count), message_response_seconds (inbound texts answered within 7 days)
    UNION ALL SELECT 'messages', i.date, i.line, i.agent_id, ct.segment, 'message', i.topic, 1.0, i.contact_id
        FROM {{ ref('interactions') }} i LEFT JOIN contacts ct USING (contact_id) WHERE i.channel = 'message'
    UNION ALL SELECT 'message_response_seconds', i.date, i.line, i.agent_id, ct.segment, 'message', i.topic, i.first_response_seconds, i.contact_id
        FROM {{ ref('interactions') }} i LEFT JOIN contacts ct USING (contact_id)
        WHERE i.channel = 'message' AND i.direction = 'incoming' AND i.first_response_seconds IS NOT NULL
    -- metric: nps, csat (survey responses, by response date; line, agent and topic of the surveyed interaction)
    UNION ALL SELECT 'nps', s.date, i.line, i.agent_id, ct.segment, i.channel, i.topic, nps_points(s.nps), coalesce(s.contact_id, i.contact_id)
        FROM {{ ref('stg_survey_responses') }} s
        LEFT JOIN {{ ref('interactions') }} i ON i.interaction_id = s.interaction_id
        LEFT JOIN contacts ct ON ct.contact_id = coalesce(s.contact_id, i.contact_id)
        WHERE s.nps IS NOT NULL
    UNION ALL SELECT 'csat', s.date, i.line, i.agent_id, ct.segment, i.channel, i.topic, CASE WHEN is_csat_satisfied(s.csat) THEN 1.0 ELSE 0.0 END, coalesce(s.contact_id, i.contact_id)
        FROM {{ ref('stg_survey_responses') }} s
        LEFT JOIN {{ ref('interactions') }} i ON i.interaction_id = s.interaction_id
        LEFT JOIN contacts ct ON ct.contact_id = coalesce(s.contact_id, i.contact_id)
        WHERE s.csat IS NOT NULL
    -- metric: cases_opened (every case), fcr_rate (cases whose repeat window has closed), by the day the case opened
    UNION ALL SELECT 'cases_opened', k.date, k.line, k.first_agent_id, ct.segment, k.first_channel, k.topic, 1.0, k.contact_id
        FROM {{ ref('cases') }} k LEFT JOIN contacts ct USING (contact_id)
    UNION ALL SELECT 'fcr_rate', k.date, k.line, k.first_agent_id, ct.segment, k.first_channel, k.topic,
        CASE WHEN k.resolved_first_contact THEN 1.0 ELSE 0.0 END, k.contact_id
        FROM {{ ref('cases') }} k LEFT JOIN contacts ct USING (contact_id)
        WHERE NOT k.censored
    -- metric: sentiment, negative_share (each customer text once: inbound texts, calls, survey comments)
    UNION ALL SELECT 'sentiment', t.date, t.line, NULL, ct.segment, t.source, t.topic, t.sentiment, t.contact_id
        FROM {{ ref('int_customer_texts') }} t LEFT JOIN contacts ct USING (contact_id) WHERE t.sentiment IS NOT NULL
    UNION ALL SELECT 'negative_share', t.date, t.line, NULL, ct.segment, t.source, t.topic, CASE WHEN t.sentiment_label = 'negative' THEN 1.0 ELSE 0.0 END, t.contact_id
        FROM {{ ref('int_customer_texts') }} t LEFT JOIN contacts ct USING (contact_id) WHERE t.sentiment IS NOT NULL
),
-- An incremental build (merge: replace) returns whole months: those asked for (the changed days of its
-- sources and of the marts it reads, 6 days either way: a week reaches into the month before), the
-- months a changed contact's facts are in (its segment; the week's month too), and the months of the
-- surveys on an interaction of a month asked for (a survey is dated by its response, not its interaction).
reach AS (
    SELECT date FROM facts WHERE {{ var('is_incremental') }}::BOOLEAN AND contact_id IN (SELECT key FROM incremental_keys())
    UNION
    SELECT s.date FROM {{ ref('stg_survey_responses') }} s
    JOIN {{ ref('interactions') }} i ON i.interaction_id = s.interaction_id
    WHERE {{ var('is_incremental') }}::BOOLEAN AND i.month IN (SELECT value FROM incremental_partitions())
),
months AS (
    SELECT value AS month FROM incremental_partitions()
    UNION SELECT strftime(date, '%Y-%m') FROM reach
    UNION SELECT strftime(date_trunc('week', date), '%Y-%m') FROM reach
),
daily AS (
    -- Summed per day and group first (exact decimal sums, 15 places), then rolled up to the periods and
    -- dimensions: the same n, Σx and Σx² as summing the facts, from far fewer rows.
    SELECT metric, date, line, agent_id, segment, channel, topic,
           count(*) AS n, sum(x::DECIMAL(38, 15)) AS sx, sum((x * x)::DECIMAL(38, 15)) AS sx2
    FROM facts
    WHERE NOT {{ var('is_incremental') }}::BOOLEAN
       OR strftime(date, '%Y-%m') IN (SELECT month FROM months)
       OR strftime(date_trunc('week', date), '%Y-%m') IN (SELECT month FROM months)
    GROUP BY ALL
),
periods AS (
    SELECT 'day' AS period, date AS period_start, * FROM daily
    UNION ALL SELECT 'week', date_trunc('week', date)::DATE, * FROM daily
    UNION ALL SELECT 'month', date_trunc('month', date)::DATE, * FROM daily
),
long AS (
    SELECT period, period_start, 'all' AS dimension, 'All' AS member, metric, n, sx, sx2 FROM periods
    UNION ALL SELECT period, period_start, 'line', coalesce(line, 'Unknown'), metric, n, sx, sx2 FROM periods
    UNION ALL SELECT period, period_start, 'agent', agent_id, metric, n, sx, sx2 FROM periods WHERE agent_id IS NOT NULL
    UNION ALL SELECT period, period_start, 'segment', coalesce(segment, 'Unknown'), metric, n, sx, sx2 FROM periods
    UNION ALL SELECT period, period_start, 'channel', coalesce(channel, 'Unknown'), metric, n, sx, sx2 FROM periods
    UNION ALL SELECT period, period_start, 'topic', coalesce(topic, 'unclassified'), metric, n, sx, sx2 FROM periods
),
agg AS (
    SELECT period, period_start, dimension, member, metric,
           -- exact decimal sums: the same bits whatever order the rows are added in
           sum(n)::BIGINT AS n, sum(sx)::DOUBLE AS sum_x, sum(sx2)::DOUBLE AS sum_x2
    FROM long
    GROUP BY ALL
)
SELECT
    a.period,
    a.period_start,
    a.dimension,
    a.member,
    a.metric,
    d.unit,
    a.n,
    a.sum_x,
    a.sum_x2,
    CASE WHEN d.kind = 'count' THEN CAST(a.n AS DOUBLE) ELSE metric_value(a.sum_x, a.n) END AS value,
    CASE WHEN d.kind = 'count' THEN NULL ELSE metric_margin95(a.sum_x, a.sum_x2, a.n) END AS margin95,
    strftime(a.period_start, '%Y-%m')                       AS month
FROM agg a
JOIN {{ ref('metric_definitions') }} d USING (metric)
WHERE NOT {{ var('is_incremental') }}::BOOLEAN OR strftime(a.period_start, '%Y-%m') IN (SELECT month FROM months)
ORDER BY a.period, a.period_start, a.dimension, a.member, a.metric

-- The business metrics' formulas, each written once (their definitions in words, units, time basis and
-- minimum samples: transforms/seeds/metric_definitions.csv; every value by period and dimension: the
-- metrics mart, transforms/marts/metrics.sql). Search "metric:" + a metric's name to find it.
--
-- Every observed metric is either a count of units (calls, texts, cases) or the mean of one number x
-- per unit: a share is the mean of a 0/1 flag (so shares are 0–1 fractions everywhere), NPS the mean of
-- +100 / 0 / −100 per response, a duration the mean of the seconds. A mean over any set of periods or
-- groups is therefore Σx ÷ n, and its 95% margin 1.96·√((Σx²/n − (Σx/n)²)/n) (normal approximation).

-- metric: nps — promoters score 9–10, detractors 0–6 (0–10 scale); NPS = % promoters − % detractors.
CREATE OR REPLACE MACRO is_promoter(score) AS score >= 9;
CREATE OR REPLACE MACRO is_detractor(score) AS score <= 6;
CREATE OR REPLACE MACRO nps_points(score) AS
    CASE WHEN score IS NULL THEN NULL WHEN score >= 9 THEN 100 WHEN score <= 6 THEN -100 ELSE 0 END;
CREATE OR REPLACE MACRO nps_value(promoters, detractors, responses) AS 100.0 * (promoters - detractors) / nullif(responses, 0);

-- metric: csat — satisfied = a score of 4 or 5 on the 1–5 scale; CSAT = satisfied ÷ responses.
CREATE OR REPLACE MACRO is_csat_satisfied(score) AS score >= 4;

-- metric: service_level — answered within the threshold of queue wait ÷ (answered + abandoned in the queue).
CREATE OR REPLACE MACRO counts_for_service_level(outcome, abandoned_in) AS outcome = 'answered' OR abandoned_in = 'queue';
CREATE OR REPLACE MACRO answered_in_time(outcome, queue_seconds, threshold_seconds) AS
    outcome = 'answered' AND queue_seconds <= threshold_seconds;

-- metric: answer_rate, abandonment_rate — the outcome of an inbound call (calls mart: answered, abandoned, missed, voicemail).
CREATE OR REPLACE MACRO is_answered(outcome) AS outcome = 'answered';
CREATE OR REPLACE MACRO is_abandoned(outcome) AS outcome = 'abandoned';

-- metric: asa_seconds — the queue wait of an answered inbound call (NULL for any other call, so avg() skips it).
CREATE OR REPLACE MACRO asa_x(outcome, queue_seconds) AS CASE WHEN outcome = 'answered' THEN queue_seconds END;

-- metric: aht_seconds — answer to hang-up of an answered inbound call (NULL for any other call, so avg() skips it).
CREATE OR REPLACE MACRO aht_x(outcome, handle_seconds) AS CASE WHEN outcome = 'answered' THEN handle_seconds END;

-- metric: transfer_rate — an answered inbound call transferred at least once.
CREATE OR REPLACE MACRO is_transferred(transfers) AS coalesce(transfers, 0) > 0;

-- metric: fcr_rate — a case's outcome is known once its first contact is older than the repeat window
-- (a repeat can no longer join it); only those cases count, by the day they opened.
CREATE OR REPLACE MACRO case_window_closed(opened_at, data_end, window_days) AS opened_at <= data_end - to_days(CAST(window_days AS INTEGER));

-- Aggregates: a metric's value and its 95% margin from n, Σx and Σx².
CREATE OR REPLACE MACRO metric_value(sum_x, n) AS sum_x / nullif(n, 0);
CREATE OR REPLACE MACRO metric_margin95(sum_x, sum_x2, n) AS
    CASE WHEN n > 1 THEN 1.96 * sqrt(greatest(sum_x2 / n - (sum_x / n) ^ 2, 0) / n) END;

-- Outreach results per reason and group (listed vs held out) over the lists whose outcome window has
-- passed: contacts, call attempts, answered calls, reached contacts, churned, bought.
SELECT reason, "group" AS grp, count(*) AS contacts, sum(call_attempts) AS attempts, sum(calls_answered) AS answered,
       count(*) FILTER (WHERE reached) AS reached,
       count(churned) AS churn_known, count(*) FILTER (WHERE churned) AS churned,
       count(bought) AS buy_known, count(*) FILTER (WHERE bought) AS bought,
       count(DISTINCT week_start) AS weeks, min(week_start)::VARCHAR AS first_week, max(week_start)::VARCHAR AS last_week,
       bool_or(backfilled) AS backfilled
FROM {{mart:outreach_outcomes}}
WHERE reach_window_complete AND week_start <= {{end}}
GROUP BY ALL
ORDER BY reason, grp

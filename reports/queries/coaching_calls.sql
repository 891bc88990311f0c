-- Calls to review in the period (calls_to_review keeps only the training purpose's six months), the
-- most severe first.
SELECT r.call_id, r.date::VARCHAR AS date, strftime(r.started_at, '%H:%M') AS time, r.line, r.topic, r.agent_id, u.team, r.reasons, r.severity, r.summary
FROM {{mart:calls_to_review}} r
LEFT JOIN (SELECT DISTINCT agent_id, team FROM {{mart:agent_scorecard}}) u USING (agent_id)
WHERE r.date BETWEEN {{start}} AND {{end}} AND r.date >= {{oldest}}
ORDER BY r.agent_id, r.severity DESC, r.date, r.call_id

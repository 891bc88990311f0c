-- The playbook items each agent uses least against the team (agent_playbook_usage: agents with at
-- least k calls of the topic only), the largest gaps first.
SELECT agent_id, team, topic, line, kind, item, effect, calls, calls_with, usage_rate, team_rate, gap
FROM {{mart:agent_playbook_usage}}
WHERE gap > 0
ORDER BY agent_id, gap DESC, topic, item

-- The newest week's outreach list: contacts to call (not the held-out comparison group), in order.
SELECT contact_id, reason, reason_text, priority, CAST(week_start AS VARCHAR) AS week_start
FROM {{mart:outreach}}
WHERE week_start = (SELECT max(week_start) FROM {{mart:outreach}}) AND "group" = 'call'
ORDER BY priority, contact_id
LIMIT {{limit}}

-- Contacts with an inbound interaction of topic {{tag}} on the days [{{start}}, {{end}}] (the tag when no contact_tags mart exists).
SELECT contact_id, count(*) AS interactions, CAST(max(date) AS VARCHAR) AS last_day
FROM {{mart:interactions}}
WHERE topic = {{tag}} AND direction = 'incoming' AND contact_id IS NOT NULL AND date BETWEEN {{start}} AND {{end}}
GROUP BY contact_id
ORDER BY interactions DESC, contact_id
LIMIT {{limit}}

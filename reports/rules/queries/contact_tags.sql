-- Contacts the text stage tagged {{tag}} on the days [{{start}}, {{end}}], from contact_tags (contract:
-- transforms/marts/text/contact_tags.yml): the day the tag was applied and its reason, newest first.
SELECT contact_id, CAST(max(applied_on) AS VARCHAR) AS day, arg_max(reason, applied_on) AS reason
FROM {{mart:contact_tags}}
WHERE tag = {{tag}} AND applied_on BETWEEN {{start}} AND {{end}}
GROUP BY contact_id
ORDER BY day DESC, contact_id
LIMIT {{limit}}

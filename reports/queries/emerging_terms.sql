-- Terms the text stage flagged as emerging in the weeks starting up to 6 days before the period and in
-- it, every theme together, from emerging_terms (contract: transforms/marts/text/emerging_terms.yml):
-- texts summed, the most contacts and the highest ratio to the usual share in any week and theme.
SELECT term, sum(texts) AS texts, max(contacts) AS people, max(ratio) AS ratio
FROM {{mart:emerging_terms}}
WHERE is_emerging AND week_start BETWEEN {{start}} - 6 AND {{end}}
GROUP BY 1
ORDER BY ratio DESC NULLS LAST, texts DESC, term
LIMIT 25

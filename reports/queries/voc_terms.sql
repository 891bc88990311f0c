-- Voice of the customer in the period: emerging terms per theme (objections new this period, feedback,
-- all), the most significant first; every term was used by at least k contacts (the mart's own floor).
SELECT theme, term, sum(texts) AS mentions, max(g2) AS g2, bool_or(is_new) AS is_new
FROM {{mart:emerging_terms}}
WHERE week_start BETWEEN {{start}} - 6 AND {{end}} AND is_emerging
GROUP BY ALL
ORDER BY theme, g2 DESC, term

-- The customers' recurring phrases of the period's month(s) for feedback and objections, with the share
-- of the month before: phrases gaining ground.
WITH m AS (SELECT * FROM {{mart:customer_phrases}} WHERE theme IN ('feedback', 'objection', 'all')),
now AS (SELECT theme, phrase, sum(contacts) AS contacts, avg(share) AS share FROM m WHERE month BETWEEN strftime({{start}}, '%Y-%m') AND strftime({{end}}, '%Y-%m') GROUP BY ALL),
before AS (SELECT theme, phrase, avg(share) AS share FROM m WHERE month = strftime({{start}} - 1, '%Y-%m') GROUP BY ALL)
SELECT n.theme, n.phrase, n.contacts, n.share, b.share AS share_before
FROM now n LEFT JOIN before b USING (theme, phrase)
ORDER BY n.theme, n.share - coalesce(b.share, 0) DESC, n.phrase

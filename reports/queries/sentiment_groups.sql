-- Average sentiment per source (call, message, survey) in the period and the period before, from
-- sentiment_daily (contract: transforms/marts/text/sentiment_daily.yml). Each mart row (a day, line and
-- source) counts once: `n` is the number of rows and `score`/`negative` the plain mean of the rows'
-- avg_sentiment and negative_share, as the report has always printed them (not weighted by texts).
SELECT coalesce(source, 'all') AS grp,
       CASE WHEN date >= {{start}} THEN 'current' ELSE 'previous' END AS which,
       sum(avg_sentiment) / nullif(count(*), 0) AS score,
       sum(negative_share) / nullif(count(*), 0) AS negative,
       count(*) AS n
FROM {{mart:sentiment_daily}}
WHERE date BETWEEN {{prev_start}} AND {{end}}
GROUP BY ALL
ORDER BY grp, which

-- The period's interactions by line, channel and direction (lines only, not the 'All' total).
SELECT line, channel, direction, CAST(sum(interactions) AS BIGINT) AS interactions
FROM {{mart:daily_volume}}
WHERE date BETWEEN {{start}} AND {{end}} AND line <> 'All'
GROUP BY line, channel, direction
ORDER BY line, channel, direction

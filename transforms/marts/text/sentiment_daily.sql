-- Customer sentiment per business-local day, line and source (call, message, survey comment):
-- how many texts were negative, neutral and positive (text.sentiment thresholds on the compound
-- score −1…1), their mean score, and how many distinct contacts wrote them (for small-group
-- suppression in reports).
SELECT
    date,
    coalesce(line, 'Unknown')                                   AS line,
    source,
    count(*)                                                    AS texts,
    count(*) FILTER (WHERE sentiment_label = 'negative')        AS negative,
    count(*) FILTER (WHERE sentiment_label = 'neutral')         AS neutral,
    count(*) FILTER (WHERE sentiment_label = 'positive')        AS positive,
    count(*) FILTER (WHERE sentiment_label = 'negative') / count(*) AS negative_share,
    avg(sentiment::DECIMAL(18, 12))::DOUBLE                     AS avg_sentiment, -- exact decimal sum: the same bits whatever the row order
    count(DISTINCT contact_id)                                  AS contacts
FROM {{ ref('int_customer_texts') }}
GROUP BY ALL
ORDER BY ALL

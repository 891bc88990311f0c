-- Rows, labelled rows and positives per weekly snapshot of a feature mart (contact_features,
-- opportunity_features): the training code plans its windows and sampling rates from these counts
-- without reading a feature.
SELECT CAST(as_of AS DATE) AS as_of,
       count(*)::DOUBLE AS n,
       count(label)::DOUBLE AS labelled,
       count(*) FILTER (WHERE label)::DOUBLE AS positives
FROM {{scan}}
GROUP BY ALL
ORDER BY as_of

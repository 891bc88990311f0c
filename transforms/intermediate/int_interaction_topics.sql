-- One topic per interaction from the keyword taxonomy (transforms/seeds/topic_keywords.csv):
-- the topic with the most keyword hits wins, ties to the lower priority number.
WITH hits AS (
    SELECT t.interaction_id, k.topic, min(k.priority) AS priority, count(*) AS n
    FROM {{ ref('int_interaction_texts') }} t
    JOIN {{ seed('topic_keywords') }} k ON contains(t.text, k.keyword)
    GROUP BY ALL
)
SELECT interaction_id, arg_min(topic, (-n, priority, topic)) AS topic
FROM hits
GROUP BY interaction_id

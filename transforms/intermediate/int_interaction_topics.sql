-- One topic per interaction, as the enrich stage assigned it on the redacted text: the keyword
-- taxonomy (transforms/seeds/topic_keywords.csv by default, text.topics.taxonomyFile) — the topic
-- with the most keyword hits, ties to the lower priority number — or the trained classifier's
-- topic where it is confident.
SELECT interaction_id, topic
FROM {{ ref('int_interaction_texts') }}
WHERE topic IS NOT NULL

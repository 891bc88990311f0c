-- The rows of a feature mart a model step uses, its features as DOUBLE or VARCHAR ({{features}}),
-- in (as_of, contact_id) order. {{keep}} selects the rows: some snapshots whole, or a seeded sample —
-- every positive and each labelled negative whose uniform hash u(contact_id, as_of, seed) falls below the
-- sampling rate, weighted 1/rate ({{weight}}); the same rows for the same data, seed and rate.
WITH scored AS (
  SELECT *, hash(CAST(contact_id AS VARCHAR), CAST(as_of AS DATE), {{seed}}::BIGINT)::DOUBLE / 18446744073709551616.0 AS __u
  FROM {{scan}}
  WHERE {{where}}
)
SELECT {{id}} CAST(as_of AS DATE) AS as_of,
       CAST(CASE WHEN label IS NULL THEN NULL WHEN label THEN 1 ELSE 0 END AS DOUBLE) AS label,
       {{weight}} AS __weight,
       {{features}}
FROM scored
WHERE {{keep}}
ORDER BY as_of, CAST(contact_id AS VARCHAR)

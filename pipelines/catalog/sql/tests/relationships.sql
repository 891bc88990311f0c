-- Rows whose value has no match in the referenced model's field.
SELECT count(*) AS n FROM {{model}} m
WHERE m.{{column}} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {{to}} t WHERE t.{{field}} = m.{{column}});

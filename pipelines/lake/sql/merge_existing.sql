-- The rows of the partitions being rewritten, in the incoming rows' columns and types (older files
-- may lack a column the schema has since gained: it reads as NULL).
CREATE OR REPLACE TEMP TABLE existing_rows AS
SELECT * FROM (SELECT * EXCLUDE (_seq) FROM incoming_dated LIMIT 0)
UNION ALL BY NAME
SELECT * FROM {{existing}};

-- The contact keys whose digest differs between two snapshots of sql/contact_digest.sql: changed,
-- appeared or disappeared.
CREATE OR REPLACE TEMP TABLE enr_changed_contacts AS
SELECT coalesce(a.k, b.k) AS k
FROM read_parquet({{before}}) a
FULL OUTER JOIN read_parquet({{after}}) b ON a.k = b.k
WHERE a.d IS DISTINCT FROM b.d;

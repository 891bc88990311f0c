-- Winners from this batch: new keys (landed), or keys whose row content changed (updated).
SELECT
    count(*) FILTER (WHERE o.h IS NULL)                    AS landed,
    count(*) FILTER (WHERE o.h IS NOT NULL AND o.h <> n.h) AS updated
FROM (SELECT {{key}}, md5(to_json({{row}})::VARCHAR) AS h FROM merged WHERE _new) n
LEFT JOIN (SELECT {{key}}, md5(to_json({{row}})::VARCHAR) AS h FROM existing_rows) o USING ({{key}});

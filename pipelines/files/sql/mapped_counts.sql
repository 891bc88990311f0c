SELECT count(*)::BIGINT AS read, count(*) FILTER (WHERE _reason IS NOT NULL)::BIGINT AS quarantined FROM {{mapped}};

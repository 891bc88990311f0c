SELECT
    (SELECT count(*) FROM landed WHERE date IS NOT NULL OR {{unpartitioned}}) AS landed,
    (SELECT count(*) FROM landed WHERE date IS NULL AND NOT {{unpartitioned}}) AS orphans;

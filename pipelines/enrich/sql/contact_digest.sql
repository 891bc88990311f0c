-- Per contact key, a digest of what enrich uses of it: the opt-out, and the names when contacts'
-- names are redacted ({{names}}). Keys are a phone number ('p|…', how calls and messages find their
-- contact; every contact sharing the number counts) or a contact id ('i|…', how survey answers
-- do), stored as a keyed hash ({{salt}}: the pseudonym key) so the state holds no number.
COPY (
    WITH r AS (
        {{contacts}}
    )
    SELECT md5({{salt}} || 'p|' || phone) AS k,
           md5(string_agg(contact_id || '|' || opted_out::VARCHAR || {{names}}, ',' ORDER BY contact_id)) AS d
    FROM r
    WHERE phone IS NOT NULL
    GROUP BY phone
    UNION ALL
    SELECT md5({{salt}} || 'i|' || contact_id) AS k, md5(opted_out::VARCHAR || {{names}}) AS d
    FROM r
    WHERE phone IS NULL
) TO {{out}} (FORMAT parquet);

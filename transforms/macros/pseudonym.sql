-- A keyed pseudonym of an identifier (pipelines/privacy/pseudonym.ts computes the same in JS):
-- prefix || the first 16 hex digits of sha256(key | kind | value), where kind is 'contact' or
-- 'phone'. The same input gives the same pseudonym across runs; another key gives other ones.
CREATE OR REPLACE MACRO pseudonym(prefix, kind, value) AS
    prefix || left(sha256({{ var('pseudonym_key') }} || '|' || kind || '|' || value), 16);

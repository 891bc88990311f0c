-- Every version of the keys this batch touches (the lake's and the incoming ones), ranked newest
-- first: by the entity's version order, then on a tie the incoming row (the later arrival) before
-- the lake's, and among incoming rows the last one to arrive. `_tie` places a lake row among the
-- incoming ones: 1 for the lake's, 0 for an incoming row that beats it on a tie, 2 for one that
-- does not ({{tie}}: a re-read folder record does not beat a row another source landed).
CREATE OR REPLACE TEMP TABLE candidates AS
SELECT *, row_number() OVER (PARTITION BY {{key}} ORDER BY {{version}} _tie, _seq DESC NULLS LAST) AS _rank
FROM (
    SELECT *, false AS _new, 1 AS _tie FROM existing_rows
    UNION ALL BY NAME
    SELECT i.*, true AS _new, {{tie}} AS _tie FROM incoming_dated i {{tieJoin}}
);

-- The latest version per key.
CREATE OR REPLACE TEMP VIEW merged AS
SELECT * EXCLUDE (_rank, _tie) FROM candidates WHERE _rank = 1;

-- Incoming rows of keys the lake does not hold (the rewritten partitions hold every lake row of the
-- batch's keys, merge_affected.sql) and that arrive once in the batch: new records, each the only
-- version of its key, so they need no ranking. Kept apart, they spare the window below the rows of
-- a batch that merely shares a partition with the lake (a batch of files meeting the last one at a
-- day's edge).
CREATE OR REPLACE TEMP TABLE fresh AS
SELECT i.*, true AS _new
FROM incoming_dated i
ANTI JOIN existing_rows e USING ({{key}})
{{notRepeated}};

-- Every version of the other keys this batch touches (the lake's and the incoming ones), ranked
-- newest first: by the entity's version order, then on a tie the incoming row (the later arrival)
-- before the lake's, and among incoming rows the last one to arrive. `_tie` places a lake row among
-- the incoming ones: 1 for the lake's, 0 for an incoming row that beats it on a tie, 2 for one that
-- does not ({{tie}}: a re-read folder record does not beat a row another source landed).
CREATE OR REPLACE TEMP TABLE candidates AS
SELECT *, row_number() OVER (PARTITION BY {{key}} ORDER BY {{version}} _tie, _seq DESC NULLS LAST) AS _rank
FROM (
    SELECT *, false AS _new, 1 AS _tie FROM existing_rows
    UNION ALL BY NAME
    SELECT i.*, true AS _new, {{tie}} AS _tie FROM (SELECT * FROM incoming_dated ANTI JOIN fresh USING ({{key}})) i {{tieJoin}}
);

-- The latest version per key.
CREATE OR REPLACE TEMP VIEW merged AS
SELECT * EXCLUDE (_rank, _tie) FROM candidates WHERE _rank = 1
UNION ALL BY NAME
SELECT * FROM fresh;

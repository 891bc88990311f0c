-- Keys arriving more than once in this batch (the merge then needs its window).
SELECT count(*) AS n FROM (SELECT {{key}} FROM incoming_dated GROUP BY ALL HAVING count(*) > 1);

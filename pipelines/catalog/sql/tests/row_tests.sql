-- The tests that look at one row at a time, in one scan: a count of failing rows per test.
SELECT {{counts}}
FROM {{model}};

-- Records whose partition day is unknown: no parent landed and the source gave no day.
SELECT _source_file AS file, _source_line AS line, {{keyText}} AS key
FROM incoming_all
WHERE date IS NULL AND {{partitioned}}
ORDER BY file, line;

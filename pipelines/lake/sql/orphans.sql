-- Records whose partition day could not be found (e.g. a summary for a call never extracted).
SELECT _source_file AS file, _source_line AS line, {{keyText}} AS key
FROM landed
WHERE date IS NULL
ORDER BY file, line;

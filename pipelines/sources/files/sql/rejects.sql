-- Lines the CSV reader could not parse, one per line.
SELECT line, any_value(error_message) AS reason, any_value(csv_line) AS record
FROM {{rejects}}
GROUP BY line
ORDER BY line;

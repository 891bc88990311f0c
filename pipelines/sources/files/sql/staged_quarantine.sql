-- Refused rows of one file, from the carrier's `__quarantine__` partition.
SELECT _source_line AS row, _extra ->> 'reason' AS reason, _extra ->> 'record' AS record
FROM read_parquet({{files}})
ORDER BY row;

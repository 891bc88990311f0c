-- Refused rows: where, which field, why, and what the row held.
SELECT _row AS row, _reason AS reason, _record AS record FROM {{mapped}} WHERE _reason IS NOT NULL ORDER BY _row;

-- First-contact resolution per month (business total) from {{from_month}} to {{to_month}} (YYYY-MM).
SELECT month, cases, resolved_first_contact, fcr_rate
FROM {{mart:fcr}}
WHERE dimension = 'all' AND month BETWEEN {{from_month}} AND {{to_month}}
ORDER BY month

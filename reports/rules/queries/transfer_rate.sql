-- Transfer rate (percent): inbound calls transferred at least once ÷ answered inbound calls over [{{start}}, {{end}}].
SELECT count(*) FILTER (WHERE outcome = 'answered') AS sample,
       100.0 * count(*) FILTER (WHERE transfers > 0) / nullif(count(*) FILTER (WHERE outcome = 'answered'), 0) AS transfer_rate
FROM {{mart:calls}}
WHERE direction = 'incoming' AND date BETWEEN {{start}} AND {{end}} AND ({{line}} = 'All' OR line = {{line}})

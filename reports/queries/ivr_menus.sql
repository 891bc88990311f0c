-- IVR menus in a month and the month before: visits, option chosen, drop-off (hung up in the menu), time in the menu.
SELECT CASE WHEN month = {{month}} THEN 'current' ELSE 'previous' END AS which, menu, visits, chose_option, dropped,
       drop_off_rate, avg_seconds_in_menu
FROM {{mart:ivr_funnel}}
WHERE month IN ({{month}}, {{prev_month}})
ORDER BY which, visits DESC, menu

-- The IVR funnel by month and menu: visits, how many chose an option, how many hung up there
-- (drop-off), the drop-off rate, and the time callers spent in the menu.
SELECT
    strftime(entered_at::DATE, '%Y-%m')                        AS month,
    menu,
    count(*)                                                   AS visits,
    count(*) FILTER (WHERE step_outcome = 'chose_option')      AS chose_option,
    count(*) FILTER (WHERE step_outcome = 'dropped')           AS dropped,
    count(*) FILTER (WHERE step_outcome = 'dropped') / count(*) AS drop_off_rate,
    avg(seconds_in_menu)                                       AS avg_seconds_in_menu,
    median(seconds_in_menu)                                    AS median_seconds_in_menu
FROM {{ ref('int_ivr_steps') }}
GROUP BY ALL
ORDER BY month, menu

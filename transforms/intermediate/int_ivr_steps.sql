-- One row per IVR menu visit: which menu, how long the caller stayed, and what came next
-- (an option chosen, or a hang-up: the drop-off of that step).
WITH events AS (
    SELECT
        call_id, seq, event_type, occurred_at, menu, menu_option,
        lead(event_type) OVER w   AS next_type,
        occurred_epoch,
        lead(occurred_epoch) OVER w AS next_epoch,
        lead(menu_option) OVER w  AS next_option
    FROM {{ ref('stg_call_flow_events') }}
    WINDOW w AS (PARTITION BY call_id ORDER BY seq)
)
SELECT
    call_id,
    seq,
    menu,
    occurred_at                                             AS entered_at,
    next_epoch - occurred_epoch                             AS seconds_in_menu,
    CASE
        WHEN next_type = 'option_chosen' THEN 'chose_option'
        WHEN next_type = 'hangup' OR next_type IS NULL THEN 'dropped'
        ELSE 'routed'
    END                                                     AS step_outcome,
    CASE WHEN next_type = 'option_chosen' THEN next_option END AS option_chosen
FROM events
WHERE event_type = 'ivr_entered'

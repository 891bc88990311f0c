-- The raw contacts the texts of some days can reach (for an incremental run, instead of every
-- contact): the contacts of the days' survey answers, and every contact holding a number of the
-- days' messages (sender of an incoming one, first recipient of an outgoing one) or calls (first
-- participant), so a number shared by several contacts still sees all of them.
(
    SELECT * FROM {{contacts}}
    WHERE id IN (
        SELECT contactId FROM {{surveys}}
        UNION ALL
        SELECT id FROM (SELECT id, unnest(defaultFields.phoneNumbers).value AS phone FROM {{contacts}})
        WHERE phone IN (
            SELECT CASE WHEN direction = 'incoming' THEN "from" ELSE "to"[1] END FROM {{messages}}
            UNION ALL
            SELECT participants[1] FROM {{calls}}
        )
    )
)

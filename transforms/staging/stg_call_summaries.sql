-- One row per call summary provided by the phone system (AI summary), as one text.
WITH source AS (
    SELECT * FROM {{ source('call_summaries') }}
),
renamed AS (
    SELECT
        callId                                                AS call_id,
        status,
        array_to_string(coalesce(summary, []), ' ')           AS summary_text,
        array_to_string(coalesce(nextSteps, []), ' ')         AS next_steps_text
    FROM source
)
SELECT * FROM renamed

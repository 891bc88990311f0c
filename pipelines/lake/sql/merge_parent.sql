LEFT JOIN (
    SELECT {{parentKey}} AS _parent_key, any_value({{expr}}) AS _parent_day
    FROM read_parquet({{files}})
    WHERE {{parentKey}} IN (SELECT {{on}} FROM {{incoming}})
    GROUP BY ALL
) parent ON parent._parent_key = i.{{on}}

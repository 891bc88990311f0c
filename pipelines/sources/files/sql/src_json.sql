-- A JSON drop holding one array of records, numbered by position.
CREATE OR REPLACE TEMP VIEW src AS
SELECT _row, NULL::VARCHAR AS _line, CASE WHEN json_type(_item) = 'OBJECT' THEN _item END AS _j
FROM (
    SELECT unnest(generate_series(1, len(items))) AS _row, unnest(items) AS _item
    FROM (SELECT from_json(content, '["JSON"]') AS items FROM read_text({{file}}))
);

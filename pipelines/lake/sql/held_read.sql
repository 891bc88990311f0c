-- Records held back by an earlier run (their parent had not landed yet), back among the incoming rows.
CREATE OR REPLACE TEMP TABLE held_prev AS
SELECT * FROM read_json({{file}}, format = 'newline_delimited', columns = {{columns}});

-- They arrived before anything of this run: their order sorts first (a later arrival wins a version tie).
INSERT INTO {{incoming}} BY NAME
SELECT * EXCLUDE (_held_since, _held_reason, _held_field, _seq), _seq - 4611686018427387904 AS _seq FROM held_prev;

CREATE OR REPLACE VIEW {{schema}}.{{name}} AS SELECT * FROM {{relation}};

/**
 * A model's contract, in a YAML file beside its SQL (`calls.sql` → `calls.yml`): what a row is,
 * each column's type and meaning, the data tests that must hold, and unit tests (given input
 * rows, expected output rows). The zod schema here is the contract format's single definition.
 */
import { existsSync, readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

const ColumnTest = z.union([
  z.literal("unique"),
  z.literal("not_null"),
  z.strictObject({ accepted_values: z.array(z.union([z.string(), z.number(), z.boolean()])) }),
  z.strictObject({ relationships: z.strictObject({ to: z.string(), field: z.string() }) }),
  z.strictObject({ range: z.strictObject({ min: z.number().optional(), max: z.number().optional() }) }),
]);

export const ModelTest = z.union([
  /** Every row must satisfy the SQL boolean expression. */
  z.strictObject({ expression: z.string(), description: z.string().optional() }),
  /** The combination of columns is unique. */
  z.strictObject({ unique_combination: z.array(z.string()).min(1) }),
]);

export const UnitTest = z.strictObject({
  name: z.string(),
  /** Rows for each input: a ref's model name, `source.<entity>` or `seed.<name>`. */
  given: z.record(z.string(), z.array(z.record(z.string(), z.unknown()))),
  /** Vars to override (e.g. timezone). */
  vars: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  /** Expected output rows (only the columns named are compared; row order ignored). */
  expect: z.array(z.record(z.string(), z.unknown())),
});

export const Contract = z.strictObject({
  /** Prediction marts (models/<model>/<mart>.yml) name themselves and the catalog's producing stage. */
  name: z.string().optional(),
  produced_by: z.string().optional(),
  partition_by: z.string().nullable().optional(),
  /**
   * A mart rebuilt by partition: only the partitions (`partition_by`: a date or YYYY-MM column) whose
   * input days changed are rebuilt, tested and published. `lookback_days`: how far a changed input day
   * reaches into other days' rows (a 7-day response window: 7), so the days rebuilt are widened by it
   * both ways (with `merge: key`, every partition from the earliest of them on is rebuilt: the SQL
   * computes them all anyway, so lookback_days only needs to reach back). `keyed_by`: a snapshot model whose changes touch only this mart's rows with the same key
   * (`{ stg_contacts: contact_id }`: a changed contact rebuilds the partitions holding its rows, before
   * or after); a change to any other snapshot input rebuilds everything.
   * The model's SQL may prune with `{{ var('incremental_since') }}` (the first day of the earliest
   * partition rebuilt; '0001-01-01' on a full build) and the table macro `incremental_keys()` (the
   * changed keys; no rows on a full build): it must return every row of a full build dated on or after
   * since, and every row of a changed key. `merge`: how a changed key reaches older partitions —
   * `key` (the mart has the keyed column: delete the key's published rows, insert its new ones, as
   * dbt's delete+insert) or `partition` (the key's column is derived, not the row's own: every
   * partition holding the key, before or after, is rebuilt whole from a full computation) or `replace`
   * (the SQL returns whole partitions: those of `incremental_partitions()` and any it adds itself,
   * e.g. a changed key's; each partition it returns, and each of incremental_partitions(), replaces
   * the published one; pipelines/transform/incremental.ts).
   */
  incremental: z.strictObject({
    partition_by: z.string(),
    /** Days, a transform var's name (e.g. churn_horizon_days), or a list of them added up. */
    lookback_days: z.union([z.number().int().min(0), z.string(), z.array(z.union([z.number().int().min(0), z.string()]))]).default(0),
    keyed_by: z.record(z.string(), z.string()).default({}),
    merge: z.enum(["key", "partition", "replace"]).default("key"),
  }).optional(),
  key: z.array(z.string()).optional(),
  /** The datasets a prediction mart is computed from (mart names, or zone.name ids). */
  reads: z.array(z.string()).optional(),
  description: z.string(),
  /** The grain: what one row is (e.g. "one call"). */
  grain: z.string().optional(),
  columns: z.array(z.strictObject({
    name: z.string(),
    type: z.string(),
    description: z.string(),
    tests: z.array(ColumnTest).default([]),
  })).min(1),
  tests: z.array(ModelTest).default([]),
  unit_tests: z.array(UnitTest).default([]),
});
export type Contract = z.infer<typeof Contract>;
export type ColumnTest = z.infer<typeof ColumnTest>;
export type UnitTest = z.infer<typeof UnitTest>;

export class ContractError extends Error {}

export function contractPath(sqlFile: string): string {
  return sqlFile.replace(/\.sql$/, ".yml");
}

export function loadContract(sqlFile: string): Contract | null {
  const file = contractPath(sqlFile);
  if (!existsSync(file)) return null;
  const parsed = Contract.safeParse(parseYaml(readFileSync(file, "utf8")));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new ContractError(`${file} is not a valid contract:\n${issues}`);
  }
  return parsed.data;
}

/** Compare the built model's columns (from DESCRIBE) with the contract: names, order and types. */
export function checkColumns(model: string, contract: Contract, actual: { name: string; type: string }[]): string[] {
  const problems: string[] = [];
  const want = contract.columns.map((c) => c.name);
  const got = actual.map((c) => c.name);
  for (const c of want) if (!got.includes(c)) problems.push(`${model}: contract column ${c} is missing from the model`);
  for (const c of got) if (!want.includes(c)) problems.push(`${model}: column ${c} is not in the contract`);
  for (const col of contract.columns) {
    const a = actual.find((x) => x.name === col.name);
    if (a && normaliseType(a.type) !== normaliseType(col.type)) {
      problems.push(`${model}.${col.name}: contract says ${col.type}, model gives ${a.type}`);
    }
  }
  return problems;
}

function normaliseType(t: string): string {
  return t.toUpperCase().replace(/\s+/g, "").replace(/^INT64$/, "BIGINT").replace(/^INT32$/, "INTEGER").replace(/^FLOAT8$/, "DOUBLE");
}

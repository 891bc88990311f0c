import { describe, expect, it } from "vitest";
import { Call } from "../../pipelines/catalog/openphone.ts";
import { call, tmpDir } from "../helpers/records.ts";
import { join, run, setup, write } from "./helpers.ts";

/** Each variant breaks (or keeps) one rule the zod schema states. */
const VARIANTS: [string, Record<string, unknown>][] = [
  ["valid", {}],
  ["valid, unknown extra field", { channel: "web" }],
  ["valid, nulls where allowed", { answeredAt: null, answeredBy: null, completedAt: null, updatedAt: null }],
  ["bad id prefix", { id: "XX1" }],
  ["id missing", { id: undefined }],
  ["status not in the enum", { status: "vanished" }],
  ["direction null", { direction: null }],
  ["duration not an integer", { duration: "five" }],
  ["duration fractional", { duration: 3.5 }],
  ["createdAt not a date-time", { createdAt: "yesterday" }],
  ["createdAt missing", { createdAt: undefined }],
  ["participant not E.164", { participants: ["+1415", "0044"] }],
  ["participants empty", { participants: [] }],
  ["phoneNumberId wrong prefix", { phoneNumberId: "XN1" }],
  ["userId null", { userId: null }],
  ["answeredAt garbage", { answeredAt: "soon" }],
  ["id a number", { id: 12 }],
  ["duration a string of digits", { duration: "300" }],
  ["duration integral but written 300.0", { duration: 300.0 }],
  ["answeredBy a number", { answeredBy: 7 }],
];

describe("DuckDB-side validation agrees with the zod schema it is derived from", () => {
  it("the same records are accepted and refused either way", async () => {
    const dir = tmpDir("agree-");
    const records = VARIANTS.map(([, over], i) => {
      const r: Record<string, unknown> = { ...call(`AC${i + 1}`, "2025-01-02T15:00:00Z"), ...over };
      for (const k of Object.keys(r)) if (r[k] === undefined) delete r[k];
      return r;
    });
    write(join(dir, "calls.ndjson"), records.map((r) => JSON.stringify(r)).join("\n") + "\n");
    const fields = Object.fromEntries(Object.keys(call("AC1", "2025-01-02T00:00:00Z")).map((f) => [f, /At$/.test(f) ? { timestamp: f } : f]));
    const s = setup([{ name: "calls", path: dir, mapping: { targets: { calls: { fields } } } }]);
    const r = await run(s);
    const refusedBySql = new Set(r.quarantined.map((q) => q.line));
    const verdicts = records.map((rec, i) => ({ variant: VARIANTS[i]![0], zod: Call.safeParse(rec).success, sql: !refusedBySql.has(i + 1) }));
    for (const v of verdicts) expect(v.sql, v.variant).toBe(v.zod);
    expect(verdicts.filter((v) => v.zod)).toHaveLength(5);
  });
});

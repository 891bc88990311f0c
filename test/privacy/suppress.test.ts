/** Small-group suppression: groups under k people are hidden, the table keeps its shape, complements do not leak. */
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../pipelines/core/config.ts";
import { lit, openDb, rows } from "../../pipelines/core/duckdb.ts";
import { minGroupSize } from "../../pipelines/privacy/config.ts";
import { showable, suppressComplement, suppressSmallGroups, suppressSql } from "../../pipelines/privacy/suppress.ts";

const data = [
  { segment: "Consumer", contacts: 120, nps: 31.5, calls: 400 },
  { segment: "Enterprise", contacts: 3, nps: -50, calls: 7 },
  { segment: "Small business", contacts: 0, nps: null, calls: 0 },
  { segment: "Partner", contacts: 9, nps: 12, calls: 30 },
];

describe("small-group suppression", () => {
  it("hides every figure of a group under k, keeps the row and its label", () => {
    const out = suppressSmallGroups(data, { k: 5, people: "contacts" });
    expect(out[0]).toEqual({ ...data[0], suppressed: false });
    expect(out[1]).toEqual({ segment: "Enterprise", contacts: null, nps: null, calls: null, suppressed: true });
    expect(out[2]!.suppressed).toBe(false); // nobody, nothing to leak
    expect(out[3]!.suppressed).toBe(false);
    expect(out).toHaveLength(4);
  });

  it("hides only the named columns when asked, with people from a function", () => {
    const out = suppressSmallGroups(data, { k: 10, people: (r) => r.contacts, hide: ["nps"] });
    expect(out[3]).toEqual({ ...data[3], nps: null, suppressed: true });
  });

  it("suppresses a second cell when a lone suppressed one could be recovered from a total", () => {
    const first = suppressSmallGroups(data, { k: 5, people: "contacts" });
    const out = suppressComplement(first, "contacts", data);
    expect(out.filter((r) => r.suppressed).map((r) => r.segment).sort()).toEqual(["Enterprise", "Partner"]);
  });

  it("k comes from privacy.minGroupSize (5 by default) and the SQL form agrees", async () => {
    expect(minGroupSize(parseConfig({}).privacy)).toBe(5);
    expect(minGroupSize(parseConfig({ privacy: { minGroupSize: 11 } }).privacy)).toBe(11);
    expect(showable(4, 5)).toBe(false);
    expect(showable(5, 5)).toBe(true);
    const db = await openDb();
    try {
      const r = await rows<{ v: number | null }>(db, `SELECT ${suppressSql("v", "n", 5)} AS v FROM (VALUES (1.5, 4), (2.5, 5), (3.5, 0)) t(v, n) ORDER BY n`);
      expect(r.map((x) => x.v)).toEqual([3.5, null, 2.5]);
    } finally {
      db.close();
    }
    expect(lit("x")).toBe("'x'");
  });
});

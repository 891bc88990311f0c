/**
 * The marts on a real call-center log: the Technion "Anonymous Bank" February 1999 calls, imported
 * by the file-drop mapping in examples/anonymous-bank/. Abandonment, average speed of answer, mean
 * service time by service type and calls per hour in the marts must equal this test's own
 * computation over the raw rows. The data set is not redistributed: without ../shared, this skips.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../pipelines/app/cli.ts";
import { openDb, rows } from "../../pipelines/core/duckdb.ts";
import { openWarehouse } from "../../pipelines/lake/warehouse.ts";
import { projectRoot } from "../../pipelines/core/paths.ts";
import { tmpDir } from "../helpers/records.ts";

const FILE = join(projectRoot, "..", "shared", "datasets", "anonymous-bank-calls-feb1999", "data_anonymous_bank_february.txt");
const present = existsSync(FILE);
if (!present) console.warn(`skipping the Anonymous Bank truth tests: ${FILE} is absent (../shared is only in CI and dev machines)`);

type Row = { type: string; date: string; vruEntry: string; vruTime: number; qTime: number; outcome: string; serTime: number };

/** The raw rows as the Technion documentation describes them; PHANTOM calls and rows whose VRU clock runs backwards are not calls. */
function rawCalls(): Row[] {
  const [header, ...lines] = readFileSync(FILE, "utf8").split("\r\n").filter(Boolean);
  const cols = header!.split("\t");
  const at = (name: string) => cols.indexOf(name);
  return lines.map((l) => l.split("\t")).map((f) => ({
    type: f[at("type")]!, date: f[at("date")]!, vruEntry: f[at("vru_entry")]!, vruTime: Number(f[at("vru_time")]),
    qTime: Number(f[at("q_time")]), outcome: f[at("outcome")]!, serTime: Number(f[at("ser_time")]),
  })).filter((r) => r.outcome !== "PHANTOM" && r.vruTime >= 0);
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
let data = "";
async function q<T = Record<string, any>>(sql: string): Promise<T[]> {
  const db = await openWarehouse(join(data, "warehouse.duckdb"));
  try { return await rows<T>(db, sql); } finally { db.close(); }
}

describe.skipIf(!present)("marts on the real Anonymous Bank log", () => {
  let raw: Row[] = [];
  beforeAll(async () => {
    data = tmpDir("bank-");
    const config = join(projectRoot, "examples", "anonymous-bank", "commsight.config.yaml");
    const quiet = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    try {
      expect(await main(["node", "commsight", "--config", config, "--data", data, "extract", "--source", "anonymous-bank"])).toBe(0);
      expect(await main(["node", "commsight", "--config", config, "--data", data, "transform"])).toBe(0);
    } finally { quiet.mockRestore(); }
    raw = rawCalls();
  }, 300_000);

  it("has every call the log holds", async () => {
    const [m] = await q<{ n: number }>("SELECT count(*) AS n FROM calls");
    expect(m!.n).toBe(raw.length);
  });

  it("abandonment rate equals HANG / (AGENT + HANG)", async () => {
    const expected = raw.filter((r) => r.outcome === "HANG").length / raw.length;
    const [m] = await q<{ rate: number }>("SELECT count(*) FILTER (WHERE outcome = 'abandoned') / count(*) AS rate FROM calls WHERE direction = 'incoming'");
    expect(m!.rate).toBeCloseTo(expected, 12);
    const [k] = await q<{ rate: number }>("SELECT sum(abandoned) / sum(inbound_calls) AS rate FROM kpi_weekly WHERE line = 'All'");
    expect(k!.rate).toBeCloseTo(expected, 12);
  });

  it("average speed of answer equals the mean queue time of served calls", async () => {
    const expected = mean(raw.filter((r) => r.outcome === "AGENT").map((r) => r.qTime));
    const [m] = await q<{ asa: number }>("SELECT avg(queue_seconds) AS asa FROM calls WHERE outcome = 'answered'");
    expect(m!.asa).toBeCloseTo(expected, 9);
    const [s] = await q<{ asa: number }>("SELECT sum(asa_seconds * answered) / sum(answered) AS asa FROM service_level_interval WHERE interval_minutes = 60 AND answered > 0");
    expect(s!.asa).toBeCloseTo(expected, 9);
  });

  it("mean service time by service type equals the mean ser_time of served calls of that type", async () => {
    const byType = new Map<string, number[]>();
    for (const r of raw.filter((x) => x.outcome === "AGENT")) byType.set(r.type, [...(byType.get(r.type) ?? []), r.serTime]);
    const marts = await q<{ type: string; n: number; mst: number }>("SELECT ivr_selection AS type, count(*) AS n, avg(handle_seconds) AS mst FROM calls WHERE outcome = 'answered' GROUP BY 1");
    expect(marts.map((m) => m.type).sort()).toEqual([...byType.keys()].sort());
    for (const m of marts) {
      expect(m.n, m.type).toBe(byType.get(m.type)!.length);
      expect(m.mst, m.type).toBeCloseTo(mean(byType.get(m.type)!), 9);
    }
  });

  it("calls per hour equal the count of VRU entries in each clock hour", async () => {
    const perHour = new Map<string, number>();
    for (const r of raw) {
      const key = `19${r.date.slice(0, 2)}-${r.date.slice(2, 4)}-${r.date.slice(4, 6)} ${r.vruEntry.split(":")[0]!.padStart(2, "0")}`;
      perHour.set(key, (perHour.get(key) ?? 0) + 1);
    }
    const marts = await q<{ hour: string; offered: number }>("SELECT strftime(interval_start, '%Y-%m-%d %H') AS hour, sum(offered) AS offered FROM service_level_interval WHERE interval_minutes = 60 GROUP BY 1");
    expect(new Map(marts.map((m) => [m.hour, m.offered]))).toEqual(perHour);
  });
});

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { main } from "../../pipelines/app/cli.ts";
import { parseConfig } from "../../pipelines/core/config.ts";
import { lakePaths } from "../../pipelines/core/paths.ts";
import { tmpDir } from "../helpers/records.ts";
import { lake, quarantine } from "./helpers.ts";

const root = join(import.meta.dirname, "..", "..");
const FILE = join(root, "..", "shared", "datasets", "anonymous-bank-calls-feb1999", "data_anonymous_bank_february.txt");
const present = existsSync(FILE);
if (!present) console.warn(`skipping the Anonymous Bank import test: ${FILE} is absent (the data set is not redistributed in this repository)`);

/** The log read in plain JS, independently of the mapping: what should land and what should not. */
function expected() {
  const lines = readFileSync(FILE, "utf8").split("\r\n").filter(Boolean);
  const head = lines[0]!.split("\t");
  const rows = lines.slice(1).map((l, i) => ({ line: i + 2, ...Object.fromEntries(l.split("\t").map((v, k) => [head[k]!, v])) }) as Record<string, string> & { line: number });
  const sec = (t: string) => { const [h, m, s] = t.split(":").map(Number); return h! * 3600 + m! * 60 + s!; };
  const phantom = rows.filter((r) => r.outcome === "PHANTOM");
  const clocks = rows.filter((r) => r.outcome !== "PHANTOM" && Number(r.vru_time) < 0);
  const good = rows.filter((r) => r.outcome !== "PHANTOM" && Number(r.vru_time) >= 0);
  const queued = (r: Record<string, string>) => r.q_start !== "0:00:00" || Number(r.q_time) > 0;
  const served = (r: Record<string, string>) => r.ser_start !== "0:00:00" || Number(r.ser_time) > 0;
  const last = (r: Record<string, string>) => (served(r) ? r.ser_exit! : queued(r) ? r.q_exit! : r.vru_exit!);
  return {
    rows: rows.length, phantom: phantom.map((r) => r.line), clocks: clocks.map((r) => r.line), good: good.length,
    completed: good.filter((r) => r.outcome === "AGENT").length, abandoned: good.filter((r) => r.outcome === "HANG").length,
    noAgent: good.filter((r) => r.outcome === "AGENT" && r.server === "NO_SERVER").length,
    zeroService: good.filter((r) => r.outcome === "AGENT" && Number(r.ser_time) === 0).length,
    crossMidnight: good.filter((r) => sec(last(r)) < sec(r.vru_entry!) - 12 * 3600).length,
    queued: good.filter(queued).length,
    agents: new Set(good.filter((r) => r.server !== "NO_SERVER").map((r) => r.server)).size,
  };
}

(present ? describe : describe.skip)(`Anonymous Bank, February 1999 (reads ${FILE}; skipped when ../shared is absent)`, () => {
  it("imports as the README says: rows read = landed + quarantined, exactly, with every quirk accounted for", async () => {
    const e = expected();
    expect(e).toMatchObject({ rows: 33_344, good: 33_043 });
    const data = tmpDir("ab-");
    let out = "";
    const spy = vi.spyOn(process.stdout, "write").mockImplementation((s) => { out += String(s); return true; });
    const cwd = process.cwd();
    process.chdir(root); // the example's paths are from the repository root, as in the README
    let code: number;
    try {
      code = await main(["node", "commsight", "--config", "examples/anonymous-bank/commsight.config.yaml", "--data", data, "extract", "--source", "anonymous-bank"]);
    } finally {
      process.chdir(cwd);
      spy.mockRestore();
    }
    expect(code, out).toBe(0);
    expect(out).toContain("anonymous-bank: rows read 33,344 = landed 33,043 + quarantined 301");

    const paths = lakePaths(parseConfig({ paths: { data } }));
    const qdir = join(paths.quarantine, "anonymous-bank");
    const q = quarantine(join(qdir, readdirSync(qdir)[0]!));
    expect(q).toHaveLength(301);
    expect(q.filter((x) => /PHANTOM/.test(x.reason)).map((x) => x.line)).toEqual(e.phantom);   // 278
    expect(q.filter((x) => /clocks disagree/.test(x.reason)).map((x) => x.line)).toEqual(e.clocks); // 23
    expect(e.phantom).toHaveLength(278);
    expect(e.clocks).toHaveLength(23);

    const [calls] = await lake(paths, `SET TimeZone = 'Asia/Jerusalem';
      SELECT count(*)::INT AS n, count(*) FILTER (WHERE status = 'completed')::INT AS completed, count(*) FILTER (WHERE status = 'abandoned')::INT AS abandoned,
             count(*) FILTER (WHERE answeredAt IS NOT NULL AND answeredBy IS NULL)::INT AS no_agent,
             count(*) FILTER (WHERE status = 'completed' AND answeredAt = completedAt)::INT AS zero_service,
             count(*) FILTER (WHERE completedAt::DATE > createdAt::DATE)::INT AS cross_midnight,
             count(*) FILTER (WHERE duration < 0)::INT AS negative, count(DISTINCT phoneNumberId)::INT AS lines
      FROM read_parquet('$RAW/calls/*/*.parquet')`);
    expect(calls).toEqual({
      n: 33_043, completed: e.completed, abandoned: e.abandoned, no_agent: e.noAgent, zero_service: e.zeroService,
      cross_midnight: e.crossMidnight, negative: 0, lines: 1,
    });
    expect(calls).toMatchObject({ completed: 27_141, abandoned: 5_902, no_agent: 491, cross_midnight: 22 });
    const events = await lake(paths, "SELECT type, count(*)::INT AS n FROM read_parquet('$RAW/call_flow_events/*/*.parquet') GROUP BY type ORDER BY type");
    expect(Object.fromEntries(events.map((x) => [x.type, x.n]))).toMatchObject({ ivr_entered: 33_043, hangup: 33_043, queue_entered: e.queued, queue_left: e.queued });
    const [users] = await lake(paths, "SELECT count(*)::INT AS n FROM read_parquet('$RAW/users/data.parquet')");
    expect(users!.n).toBe(e.agents + 1); // the agents and the placeholder user of calls no agent answered

    // The file does not change, so a second run reads nothing.
    const spy2 = vi.spyOn(process.stdout, "write").mockImplementation((s) => { out = String(s) + out; return true; });
    process.chdir(root);
    try {
      await main(["node", "commsight", "--config", "examples/anonymous-bank/commsight.config.yaml", "--data", data, "extract", "--source", "anonymous-bank"]);
    } finally {
      process.chdir(cwd);
      spy2.mockRestore();
    }
    expect(out).toMatch(/anonymous-bank: no new or changed files/);
  }, 60_000);
});

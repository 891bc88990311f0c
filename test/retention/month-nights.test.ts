/**
 * Retention by month through the real pipeline (issue 13: a night must cost what changed). A small
 * business of 0.55 years (2026-04-29 … 2026-11-15, the nights test's) is extracted, enriched, retained
 * and transformed with the default step, "month", and the default purposes except that analytics
 * keeps 183 days instead of 365, as training does: survey answers and call summaries (which the churn
 * features read: survey trend over a year, negative wording over 90 days) then pass their period in
 * this half-year business, together with the transcripts:
 *   - the first night (clock 2026-11-16: c = 2026-05-17) deletes April and May whole;
 *   - 1 December (c = 2026-06-01, a 1st) does not cross a month: retention deletes nothing, and the
 *     transform, run again, rewrites no partition of the feature marts: no old snapshot is rebuilt
 *     (with step "day" every such night deletes a day of texts that a year of snapshots read);
 *   - 2 December (c = 2026-06-02) crosses into July: June goes whole, raw and enriched, in one night,
 *     and that night's transform rebuilds the snapshots that read June.
 */
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../pipelines/app/cli.ts";
import { parseConfig } from "../../pipelines/core/config.ts";
import { readLedger } from "../../pipelines/core/ledger.ts";
import { catalog } from "../../pipelines/catalog/datasets.ts";
import { generateDemo } from "../../pipelines/sources/demo/generate.ts";
import { fileStamps, tmpDir } from "../helpers/records.ts";

const DEMO = { scale: "small" as const, seed: 7, years: 0.55, endDate: "2026-11-15", timezone: "America/New_York", open: "08:00", close: "20:00" };
const top = tmpDir("retention-months-");
const data = join(top, "data");
const configFile = join(top, "config.yaml");
writeFileSync(configFile, [
  `business: { name: Acme Home Services, timezone: ${DEMO.timezone}, open: "${DEMO.open}", close: "${DEMO.close}" }`,
  `demo: { scale: ${DEMO.scale}, seed: ${DEMO.seed}, years: ${DEMO.years}, endDate: "${DEMO.endDate}" }`,
  "privacy:",
  "  retention:",
  "    purposes:",
  "      - { name: contractual evidence, days: 1825 }",
  "      - { name: analytics, days: 183 }",
  "      - { name: training, days: 183 }",
].join("\n") + "\n");

const ledger = () => readLedger(join(data, "runs", "ledger.jsonl"));
const parts = (dir: string, key = "date") => (existsSync(dir) ? readdirSync(dir).filter((p) => p.startsWith(`${key}=`)).map((p) => p.slice(key.length + 1)).sort() : []);
/** Every day-partitioned raw and enriched dataset, by id (raw.call_transcripts …), with its partition days. */
function lakeDays(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const d of catalog().datasets) {
    if ((d.zone !== "raw" && d.zone !== "enriched") || d.partitionBy !== "date") continue;
    out.set(d.id, parts(join(data, "lake", d.zone, d.name)));
  }
  return out;
}
const FEATURES = ["contact_features", "opportunity_features"];
const featureStamps = () => Object.fromEntries(FEATURES.map((m) => [m, fileStamps(join(data, "lake", "marts", m))]));

async function night(today: string, stages: string[], env: Record<string, string> = {}): Promise<void> {
  vi.stubEnv("COMMSIGHT_TODAY", today);
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  try {
    expect(await main(["node", "commsight", "--config", configFile, "--data", data, "--quiet", "run", "--select", ...stages]), `${today}: ${stages.join(" ")}`).toBe(0);
  } finally {
    vi.unstubAllEnvs();
  }
}
const lastOk = (stage: string) => ledger().filter((e) => e.stage === stage && e.status === "ok").at(-1)!;

beforeAll(async () => {
  vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  await generateDemo({ ...DEMO, businessName: "Acme Home Services", outDir: join(data, "sources", "demo") });
  await night("2026-11-16", ["extract", "enrich", "retention", "transform"]);
  vi.restoreAllMocks();
}, 1200_000);
afterEach(() => vi.restoreAllMocks());

describe('retention with step "month" over the nights', () => {
  it("the default step is month, and the first night deleted April and May whole", () => {
    expect(parseConfig({}).privacy.retention.step).toBe("month");
    const transcripts = parts(join(data, "lake", "raw", "call_transcripts"));
    expect(transcripts[0]! >= "2026-06-01", `oldest transcript day ${transcripts[0]}`).toBe(true);
    const gone = lastOk("retention").outputs;
    const deletedTranscripts = gone.filter((o) => o.startsWith("deleted raw/call_transcripts/")).map((o) => o.match(/date=(\S+):/)![1]!);
    expect(deletedTranscripts.some((d) => d.startsWith("2026-04"))).toBe(true);
    expect(deletedTranscripts.filter((d) => d.startsWith("2026-05")).length).toBeGreaterThan(20);
    expect(deletedTranscripts.every((d) => d < "2026-06-01")).toBe(true);
    // Calls are contractual evidence (5 years): all there.
    expect(parts(join(data, "lake", "raw", "calls"))[0]! < "2026-05-01").toBe(true);
  });

  it("a night that crosses no month boundary deletes nothing, and its transform rebuilds no snapshot", async () => {
    const lakeBefore = lakeDays();
    const featuresBefore = featureStamps();
    expect(parts(join(data, "lake", "marts", "contact_features"), "as_of").length).toBeGreaterThan(10);
    const ran = ledger().length;
    // The last night before June goes: c = 1 June itself. Freshness would skip an unchanged transform: force it to run.
    await night("2026-12-01", ["retention", "transform"], { COMMSIGHT_NO_SKIP: "1" });
    const entries = ledger().slice(ran);
    expect(entries.find((e) => e.stage === "retention" && e.status === "ok")!.outputs).toEqual([]);
    expect(entries.find((e) => e.stage === "transform" && e.status === "ok"), "the transform ran").toBeDefined();
    expect(lakeDays()).toEqual(lakeBefore);
    expect(featureStamps()).toEqual(featuresBefore);
  }, 600_000);

  it("the night whose cutoff crosses into July deletes June whole, raw and enriched, and only June", async () => {
    const before = lakeDays();
    const featuresBefore = featureStamps();
    const ran = ledger().length;
    await night("2026-12-02", ["retention", "transform"]);
    const after = lakeDays();
    const outputs = ledger().slice(ran).find((e) => e.stage === "retention" && e.status === "ok")!.outputs;
    const june = (days: string[]) => days.filter((d) => d.startsWith("2026-06"));
    const juneTranscripts = june(before.get("raw.call_transcripts")!);
    expect(juneTranscripts.length).toBeGreaterThan(20);
    expect(after.get("raw.call_transcripts")![0]! >= "2026-07-01").toBe(true);
    let moved = 0;
    for (const [id, was] of before) {
      const now = after.get(id)!;
      const deleted = was.filter((d) => !now.includes(d));
      // Each dataset lost nothing, or exactly its June.
      if (deleted.length) {
        moved++;
        expect(deleted, id).toEqual(june(was));
        expect(now.every((d) => d >= "2026-07-01"), id).toBe(true);
      }
      expect(now.every((d) => was.includes(d)), id).toBe(true);
    }
    for (const id of ["raw.call_transcripts", "raw.call_summaries", "raw.survey_responses"]) expect(june(after.get(id)!), id).toEqual([]);
    expect(june(before.get("raw.survey_responses")!).length).toBeGreaterThan(20);
    expect(moved).toBeGreaterThanOrEqual(5); // raw transcripts, summaries, survey answers, and what was analysed from them
    expect(outputs.filter((o) => o.startsWith("deleted raw/call_transcripts/"))).toHaveLength(juneTranscripts.length);
    // The once-a-month cost: snapshots whose windows read June are rebuilt.
    const cf = (s: Record<string, Record<string, string>>) => s.contact_features!;
    const now = featureStamps();
    const rewritten = new Set(Object.keys(cf(now)).filter((f) => cf(featuresBefore)[f] !== cf(now)[f]).map((f) => f.split("/")[0]!));
    expect([...rewritten].some((p) => p < "as_of=2026-10-01"), `rewritten: ${[...rewritten].sort().join(", ")}`).toBe(true);
  }, 600_000);
});

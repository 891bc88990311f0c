/**
 * A failing check stops only what depends on it, at the level of the run's stages (issue 17, item 8):
 * through the real CLI and the real stage graph, one survey answer already in the lake with an NPS of
 * 11 (landed before the schemas' checks, say) fails stg_survey_responses' range test. `commsight run`
 * then skips every stage that reads a mart not published this run (train-churn reads
 * contact_features; report reads churn_risk and the KPI marts), and the ledger records them as
 * "skipped" with the marts they read; the independent train-forecast still runs and publishes; the
 * run exits non-zero; `commsight status` says why. The skipped set is checked against the SQL's
 * ref() lineage, computed here, not against what the pipeline printed.
 *
 * Fixture: a tiny generated demo (0.2 years: ~73 days, enough for a 14-day forecast holdout).
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import "../../pipelines/app/config.ts";
import { stageGraph } from "../../pipelines/app/graph.ts";
import type { Stage } from "../../pipelines/catalog/datasets.ts";
import { exec, openDb, rows } from "../../pipelines/core/duckdb.ts";
import { readLedger } from "../../pipelines/core/ledger.ts";
import { projectRoot } from "../../pipelines/core/paths.ts";
import { commsight } from "../helpers/cli.ts";
import { tmpDir } from "../helpers/records.ts";

/** Every model of the SQL project and the models it refs (from the .sql files, not the transform engine). */
function refLineage(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".sql") && !relative(join(projectRoot, "transforms"), p).startsWith("macros")) {
        const refs = [...readFileSync(p, "utf8").matchAll(/ref\(\s*'([a-z0-9_]+)'\s*\)/g)].map((m) => m[1]!);
        out.set(e.name.replace(/\.sql$/, ""), [...new Set(refs)]);
      }
    }
  };
  walk(join(projectRoot, "transforms"));
  return out;
}

/** The model and everything that refs it, transitively. */
function descendants(model: string, lineage: Map<string, string[]>): Set<string> {
  const out = new Set([model]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [m, refs] of lineage) if (!out.has(m) && refs.some((r) => out.has(r))) { out.add(m); grew = true; }
  }
  return out;
}

describe("a failing model stops only the stages that read what it did not publish", () => {
  it("train-churn and report are skipped and named (ledger: skipped), train-forecast runs, exit 1, status says why", async () => {
    const top = tmpDir("stage-skip-");
    const data = join(top, "data");
    const cfg = join(top, "commsight.config.yaml");
    writeFileSync(cfg, "demo: { scale: small, seed: 7, years: 0.2 }\nmodels: { forecast: { horizonDays: 7, holdoutDays: 14 } }\n");
    const cli = (args: string[]) => commsight(["--config", cfg, "--data", data, ...args], { timeoutMs: 600_000 });
    const gen = cli(["generate", "--quiet"]);
    expect(gen.code, gen.stderr).toBe(0);
    const first = cli(["run", "--select", "extract", "enrich", "--quiet"]);
    expect(first.code, first.stderr).toBe(0);

    // One survey answer with an NPS of 11 in the raw lake, beside the landed ones (its partition's own types).
    const surveys = join(data, "lake", "raw", "survey_responses");
    const part = join(surveys, readdirSync(surveys).sort()[0]!);
    const db = await openDb();
    try {
      const file = join(part, readdirSync(part).find((f) => f.endsWith(".parquet"))!);
      await exec(db, `COPY (SELECT * REPLACE ('SRstageskipbad' AS id, nps * 0 + 11 AS nps) FROM read_parquet('${file}') WHERE nps IS NOT NULL LIMIT 1) TO '${join(part, "legacy.parquet")}' (FORMAT parquet)`);
      expect(await rows(db, `SELECT count(*)::INT AS n FROM read_parquet('${part}/*.parquet') WHERE nps > 10`)).toEqual([{ n: 1 }]);
    } finally { db.close(); }

    const before = Date.now();
    const selection: Stage[] = ["transform", "train-churn", "train-forecast", "report"];
    const r = cli(["run", "--select", ...selection]);
    const printed = `${r.stdout}\n${r.stderr}`;
    expect(r.code, printed).toBe(1);
    expect(printed).toContain("stg_survey_responses.nps: range(0..10) failed for 1 row");

    // What must be skipped, from the SQL's lineage and the stage graph: every selected stage reading a mart
    // downstream of stg_survey_responses, or reading what a skipped stage produces.
    const unpublished = new Set([...descendants("stg_survey_responses", refLineage())].map((m) => `marts.${m}`));
    const graph = stageGraph();
    const expectSkipped: Stage[] = [];
    for (const s of selection) {
      if (s === "transform") continue;
      const node = graph.get(s)!;
      if (node.reads.some((d) => unpublished.has(d))) { expectSkipped.push(s); for (const p of node.produces) unpublished.add(p); }
    }
    expect(expectSkipped).toEqual(["train-churn", "report"]); // the fixture is meant to leave train-forecast independent
    for (const s of expectSkipped) {
      const reads = graph.get(s)!.reads.filter((d) => unpublished.has(d));
      expect(printed, s).toContain(`${s} skipped: reads ${reads.join(", ")}, not published this run`);
    }

    // The ledger: transform failed, the two skipped with the reason, train-forecast ok, the run failed.
    const ledger = readLedger(join(data, "runs", "ledger.jsonl"));
    const runId = ledger.filter((e) => e.stage === "run").at(-1)!.runId;
    const last = (stage: string) => ledger.filter((e) => e.runId === runId && e.stage === stage).at(-1);
    expect(last("transform")?.status).toBe("failed");
    expect(last("train-churn")?.status).toBe("skipped");
    expect(last("train-churn")?.error).toMatch(/^reads .*marts\.contact_features.*, not published this run$/);
    expect(last("report")?.status).toBe("skipped");
    expect(last("report")?.error).toContain("marts.churn_risk");
    expect(last("train-forecast")?.status).toBe("ok");
    expect(last("run")?.status).toBe("failed");
    expect(ledger.filter((e) => e.runId === runId && e.stage === "train-churn").map((e) => e.status)).toEqual(["skipped"]);

    // What ran published; what was skipped did not (this folder never had the skipped stages' outputs).
    const marts = join(data, "lake", "marts");
    for (const m of ["volume_forecast", "staffing", "daily_volume", "interactions"]) {
      expect(existsSync(join(marts, m)), m).toBe(true);
      expect(statSync(join(marts, m)).mtimeMs, m).toBeGreaterThanOrEqual(before - 1000);
    }
    for (const m of ["contact_features", "churn_risk", "kpi_weekly"]) expect(existsSync(join(marts, m)), m).toBe(false);
    expect(existsSync(join(data, "reports"))).toBe(false);

    // `commsight status` says which stages were skipped and why.
    const st = commsight(["--data", data, "status", "-n", "1"]);
    expect(st.code, st.stderr).toBe(0);
    expect(st.stdout).toMatch(/^\s+train-churn\s+skipped\b.*why: reads .*marts\.contact_features/m);
    expect(st.stdout).toMatch(/^\s+report\s+skipped\b.*why: reads .*marts\.churn_risk/m);
    expect(st.stdout).toMatch(/^\s+train-forecast\s+ok\b/m);
    const json = JSON.parse(commsight(["--data", data, "status", "-n", "1", "--json"]).stdout) as { status: string; stages: { stage: string; status: string }[] }[];
    expect(json[0]!.status).toBe("failed");
    expect(Object.fromEntries(json[0]!.stages.map((s) => [s.stage, s.status]))).toEqual({ transform: "failed", "train-churn": "skipped", "train-forecast": "ok", report: "skipped" });
  }, 900_000);
});

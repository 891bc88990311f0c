/**
 * Every business metric defined once (issue 11): each observed metric of transforms/seeds/metric_definitions.csv is
 * found by one search ("metric: <name>") in the metrics layer, and no SQL model, report query or alert query writes a
 * metric's formula again — the score thresholds of NPS and CSAT, the transfer flag, ASA and AHT live in
 * transforms/macros/metrics.sql, and the older KPI marts read the metrics mart. The churn and opportunity features are
 * no exception (contact_features counts detractor responses with is_detractor). Cheap: reads the source files only.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const MACROS = "transforms/macros/metrics.sql";
const METRICS_MART = "transforms/marts/metrics.sql";

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(join(root, dir)).flatMap((n) => {
    const p = join(root, dir, n);
    return statSync(p).isDirectory() ? files(relative(root, p), ext) : ext.test(n) ? [relative(root, p)] : [];
  });
}

/** A metric's formula written inline: the thing each macro exists for. */
const INLINE: [string, RegExp][] = [
  ["NPS promoter (is_promoter / nps_points)", /\bnps\s*>=\s*9\b/i],
  ["NPS detractor (is_detractor / nps_points)", /\bnps\s*<=\s*6\b/i],
  ["NPS from counts (nps_value / the metrics mart)", /100(?:\.0)?\s*\*\s*\(?\s*(?:s\.)?promoters\s*-\s*(?:s\.)?detractors/i],
  ["CSAT satisfied (is_csat_satisfied)", /\bcsat\s*>=\s*4\b/i],
  ["CSAT in percent (a share is 0–1)", /100(?:\.0)?\s*\*\s*(?:count\(\*\)\s*FILTER\s*\(WHERE\s*\w*\.?csat|\w*\.?satisfied\s*\/)/i],
  ["transferred (is_transferred)", /\btransfers\s*>\s*0\b/i],
  ["ASA (asa_x)", /avg\(\s*queue_seconds\s*\)\s*FILTER/i],
  ["AHT (aht_x)", /avg\(\s*handle_seconds\s*\)\s*FILTER\s*\(WHERE[^)]*answered/i],
  ["answer rate (the metrics mart)", /answered\w*\s*\/\s*nullif\(\s*\w*\.?inbound_calls/i],
  ["FCR (the metrics mart)", /resolved\w*\s*\/\s*nullif\(\s*\w*\.?cases/i],
];

describe("every metric defined once", () => {
  it("each observed metric is found by searching 'metric: <name>' in the metrics layer", () => {
    const [header, ...lines] = readFileSync(join(root, "transforms/seeds/metric_definitions.csv"), "utf8").trim().split("\n");
    const cols = header!.split(",");
    const layer = readFileSync(join(root, MACROS), "utf8") + readFileSync(join(root, METRICS_MART), "utf8");
    const observed = lines.map((l) => l.split(",")).filter((c) => c[cols.indexOf("kind")] !== "prediction").map((c) => c[0]!);
    expect(observed.length).toBeGreaterThanOrEqual(18);
    for (const m of observed) expect(layer, m).toMatch(new RegExp(`metric: [^\\n]*\\b${m}\\b`));
  });

  it("no model, report query or rule query writes a metric's formula again", () => {
    const sql = [...files("transforms", /\.sql$/), ...files("reports", /\.sql$/)].filter((f) => f !== MACROS);
    expect(sql.length).toBeGreaterThan(60);
    const found: string[] = [];
    for (const f of sql) {
      const text = readFileSync(join(root, f), "utf8").split("\n").filter((l) => !/^\s*--/.test(l)).join("\n");
      for (const [what, re] of INLINE) if (re.test(text)) found.push(`${f}: ${what}`);
    }
    expect(found).toEqual([]);
  });

  it("the guard can fail: the old agent_scorecard's inline NPS and percent CSAT are caught", () => {
    const old = "100 * s.satisfied / nullif(s.csat_responses, 0) AS csat, count(*) FILTER (WHERE s.nps >= 9) AS promoters";
    expect(INLINE.filter(([, re]) => re.test(old)).map(([w]) => w)).toEqual(["NPS promoter (is_promoter / nps_points)", "CSAT in percent (a share is 0–1)"]);
  });
});

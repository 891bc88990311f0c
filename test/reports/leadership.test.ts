/**
 * The leadership report's guards on fixture marts (the report itself is checked over the demo, number by
 * number, in trust.test.ts): it refuses to render without the metrics layer, naming what is missing, and
 * refuses a period the data does not cover to its end.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../pipelines/core/config.ts";
import { buildLeadershipReport } from "../../reports/leadership/render.ts";
import { buildFixture } from "./fixture.ts";

const tmp = mkdtempSync(join(tmpdir(), "commsight-leadership-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("leadership report guards", () => {
  it("names the missing required marts", async () => {
    const config = parseConfig({ paths: { data: join(tmp, "empty") } });
    await expect(buildLeadershipReport(config)).rejects.toThrow(/metrics, metric_definitions, calendar, daily_volume, call_outcomes_daily, topic_daily; run the transforms first/);
  });

  it("does not render from marts without the metrics layer (the KPI marts alone are not read any more)", async () => {
    const config = await buildFixture(join(tmp, "bare"));
    rmSync(join(tmp, "bare", "lake", "marts", "metrics"), { recursive: true });
    await expect(buildLeadershipReport(config, { period: "week" })).rejects.toThrow(/needs marts .*: metrics\b/);
  });
});

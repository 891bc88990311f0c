/**
 * Rules on fixture marts: a validated rules file; thresholds, changes, capacity and events fire on the
 * planted facts; an alert goes out once per episode (no repeat until the condition clears, then a
 * cool-down); actions reach local stand-ins for Slack and OpenPhone; a failed action is retried by the
 * next run and then sent exactly once.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, parseConfig, type Config } from "../../pipelines/core/config.ts";
import { loadRules, parseRules } from "../../reports/rules/load.ts";
import { runAlerts } from "../../reports/rules/run.ts";
import { buildFixture } from "../reports/fixture.ts";
import { fakeServer, type FakeServer } from "./server.ts";

const tmp = mkdtempSync(join(tmpdir(), "commsight-rules-"));
let data = "";
let slack: FakeServer;
let quo: FakeServer;
let slackDown = false;

const RULES = (extra: object[] = []) => ({
  destinations: {
    "ops-slack": { type: "slack", urlEnv: "TEST_SLACK_URL" },
    "quo-tag": { type: "openphone", endpoint: "http://127.0.0.1:1", apiKeyEnv: "TEST_OP_KEY", field: "commsight-tags" },
  },
  rules: [
    { id: "nps-low", kind: "threshold", metric: "nps", window: "week", below: 45, minSample: 10, actions: ["ops-slack"] },
    { id: "nps-very-low", kind: "threshold", metric: "nps", window: "week", below: 10, minSample: 10 },
    { id: "csat-drop", kind: "change", metric: "csat", window: "week", dropBy: 0.5, minSample: 10 },
    { id: "abandonment", kind: "threshold", metric: "abandonment_rate", window: "7d", above: 1 },
    { id: "abandonment-extreme", kind: "threshold", metric: "abandonment_rate", window: "7d", above: 90 },
    { id: "short-staffed", kind: "capacity", staffedAgents: 8 },
    { id: "busy-days", kind: "capacity", callsPerDay: 400, horizonDays: 7 },
    { id: "emerging", kind: "event", event: "emerging_topic", lookbackDays: 7, actions: ["ops-slack"], cooldown: "24h" },
    { id: "churn", kind: "event", event: "churn_risk", above: 0.9, limit: 2, tag: "churn-risk", actions: ["quo-tag"] },
    ...extra,
  ],
});

function configWith(rules: object, name: string, dataDir = data): Config {
  const file = join(tmp, `${name}.rules.yaml`);
  writeFileSync(file, stringify(rules).replace("http://127.0.0.1:1", quo.url));
  return parseConfig({ paths: { data: dataDir }, rules: { file, retries: 1, backoffSeconds: 0.001 } });
}
const env = () => ({ TEST_SLACK_URL: `${slack.url}/services/x`, TEST_OP_KEY: "op-key" });
const at = (iso: string) => () => new Date(iso);

beforeAll(async () => {
  data = join(tmp, "data");
  await buildFixture(data, { churn: true, forecast: true, full: true });
  slack = await fakeServer(() => (slackDown ? { status: 500 } : { status: 200, body: "ok" }));
  quo = await fakeServer((req) => req.method === "GET" ? { status: 200, body: { data: { customFields: [] } } } : { status: 200, body: { data: {} } });
});
afterAll(async () => {
  await slack.close();
  await quo.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe("rules file", () => {
  it("validates, naming the key, the value and what was expected", () => {
    const bad = { destinations: { s: { type: "slack" } }, rules: [
      { id: "a", kind: "threshold", metric: "nps", window: "7d", below: 0 },
      { id: "b", kind: "threshold", metric: "csat", window: "week", below: 1, above: 2 },
      { id: "c", kind: "event", event: "emerging_topic", actions: ["nowhere"] },
      { id: "d", kind: "threshold", metric: "abandonment_rate", window: "fortnight", above: 5, cooldown: "soon" },
    ] };
    let err: unknown;
    try { parseRules(bad, "my.rules.yaml"); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    expect(msg).toContain("my.rules.yaml is invalid");
    expect(msg).toContain("rules.0.window: got \"7d\"; nps is measured per week or month; use window: week or month");
    expect(msg).toContain("rules.1.above: got 2; give exactly one of above or below");
    expect(msg).toContain("rules.2.actions.0: got \"nowhere\"; no destination named nowhere under destinations:");
    expect(msg).toContain("rules.3.window: got \"fortnight\"; expected week, month or a number of days such as 7d");
    expect(msg).toContain("rules.3.cooldown: got \"soon\"; expected a duration such as 30m, 24h or 7d");
  });

  it("falls back to the embedded default set", () => {
    const { file, rules } = loadRules(parseConfig({ paths: { data: tmp } }));
    expect(file).toMatch(/reports\/rules\/default\.rules\.yaml$/);
    expect(rules.rules.map((r) => r.id)).toContain("csat-drop");
  });
});

describe("evaluating rules on the marts", () => {
  it("fires on the planted facts and stays quiet otherwise", async () => {
    const r = await runAlerts(configWith(RULES(), "eval"), { date: "2026-11-15", dryRun: true, env: env() });
    const holding = Object.fromEntries(r.evaluated.map((e) => [e.ruleId, e.conditions.map((c) => c.condition)]));
    expect(holding).toMatchObject({
      "nps-low": ["All"], "nps-very-low": [], "csat-drop": ["All"], abandonment: ["All"], "abandonment-extreme": [],
      "short-staffed": ["2026-11-26"], emerging: ["refund request"], churn: ["ct_7f3a9e01", expect.stringMatching(/^ct_/)],
    });
    expect(holding["busy-days"]).toEqual(["2026-11-19", "2026-11-20"]);
    const text = (id: string) => r.evaluated.find((e) => e.ruleId === id)!.conditions[0]!;
    expect(text("nps-low").text).toBe("NPS was 42.1 in 9–15 Nov 2026 (321 in the sample), below the threshold of 45.0.");
    expect(text("csat-drop").text).toBe("CSAT was 91.2% in 9–15 Nov 2026 against 92.0% in 2–8 Nov 2026: down 0.8 percentage points.");
    expect(text("short-staffed").title).toBe("Staffing short on Thu 26 Nov: 9 agents needed, 8 staffed");
    expect(text("churn")).toMatchObject({ contactId: "ct_7f3a9e01", tag: "churn-risk" });
    expect(slack.seen).toHaveLength(0); // a dry run sends nothing
  });

  it("treats an interaction's topic as the tag when no contact_tags mart exists", async () => {
    const r = await runAlerts(configWith(RULES([{ id: "refunds", kind: "event", event: "tag_applied", tag: "refund request", lookbackDays: 1 }]), "tags"),
      { date: "2026-11-18", dryRun: true, env: env() });
    const refunds = r.evaluated.find((e) => e.ruleId === "refunds")!;
    expect(refunds.conditions).toHaveLength(14);
    expect(refunds.conditions[0]!.text).toContain("was tagged “refund request” on Wed 18 Nov 2026");
  });
});

describe("alerts and their actions", () => {
  it("sends each alert once, not again while it holds, again only after it cleared and the cool-down passed", async () => {
    const config = configWith(RULES(), "run");
    const r1 = await runAlerts(config, { date: "2026-11-15", env: env(), now: at("2026-11-16T07:00:00Z") });
    expect(r1.fired.map((a) => a.ruleId).sort()).toEqual(["abandonment", "busy-days", "busy-days", "churn", "churn", "csat-drop", "emerging", "nps-low", "short-staffed"]);
    expect(slack.seen).toHaveLength(2); // nps-low and emerging go to Slack
    expect(quo.seen.map((s) => s.method)).toEqual(["GET", "PATCH", "GET", "PATCH"]);
    expect(quo.seen[1]!.json).toEqual({ customFields: [{ key: "commsight-tags", value: ["churn-risk"] }] });

    const r2 = await runAlerts(config, { date: "2026-11-15", env: env(), now: at("2026-11-16T08:00:00Z") });
    expect(r2.fired).toEqual([]);
    expect(slack.seen).toHaveLength(2);
    expect(quo.seen).toHaveLength(4);

    // As of the 18th the spike is out of the window: the condition clears.
    const r3 = await runAlerts(config, { date: "2026-11-18", env: env(), now: at("2026-11-16T09:00:00Z") });
    expect(r3.cleared).toContainEqual({ ruleId: "emerging", condition: "refund request" });
    // It holds again (as of the 16th) within the 24 h cool-down: quiet.
    const r4 = await runAlerts(config, { date: "2026-11-16", env: env(), now: at("2026-11-16T10:00:00Z") });
    expect(r4.suppressed.map((s) => s.ruleId)).toContain("emerging");
    expect(slack.seen).toHaveLength(2);
    // After the cool-down it is a new episode, for a new window, and goes out once more.
    const r5 = await runAlerts(config, { date: "2026-11-16", env: env(), now: at("2026-11-17T08:00:00Z") });
    expect(r5.fired.map((a) => a.key)).toContain("emerging|refund request|2026-11-10..2026-11-16");
    expect(slack.seen).toHaveLength(3);
  });

  it("retries a failed action on the next run and then sends it exactly once", async () => {
    const rules = { destinations: { "ops-slack": { type: "slack", urlEnv: "TEST_SLACK_URL" } },
      rules: [{ id: "abandon", kind: "threshold", metric: "abandonment_rate", window: "7d", above: 1, actions: ["ops-slack"] }] };
    const own = join(tmp, "retry-data");
    await buildFixture(own, {});
    const config = configWith(rules, "retry", own);
    const before = slack.seen.length;
    slackDown = true;
    const r1 = await runAlerts(config, { date: "2026-11-14", env: env(), now: at("2026-11-20T07:00:00Z") });
    expect(r1.outcomes.map((o) => o.status)).toEqual(["failed"]);
    expect(slack.seen.length - before).toBe(2); // one try and one retry
    slackDown = false;
    const r2 = await runAlerts(config, { date: "2026-11-14", env: env(), now: at("2026-11-20T08:00:00Z") });
    expect(r2.fired).toEqual([]);
    expect(r2.outcomes.map((o) => o.status)).toEqual(["sent"]);
    const r3 = await runAlerts(config, { date: "2026-11-14", env: env(), now: at("2026-11-20T09:00:00Z") });
    expect(r3.outcomes.map((o) => o.status)).toEqual(["skipped"]);
    expect(slack.seen.length - before).toBe(3);
  });
});

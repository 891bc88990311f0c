/**
 * Each action against a local stand-in for its API on 127.0.0.1, checked against the documented shape:
 * Slack incoming webhook (Block Kit), a generic webhook signed with HMAC-SHA256, Linear GraphQL
 * issueCreate, Asana POST /tasks, OpenPhone PATCH /v1/contacts/{id}; retries with backoff, no retry of
 * a bad request, and secrets only from the environment.
 */
import { createHmac } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import type { Alert } from "../../reports/actions/alert.ts";
import { Destination } from "../../reports/actions/destinations.ts";
import { dispatchAlert, type DispatchContext } from "../../reports/actions/dispatch.ts";
import { ActionLedger } from "../../reports/actions/ledger.ts";
import { LINEAR_ISSUE_CREATE, uuidFromKey } from "../../reports/actions/tasks.ts";
import { SmtpSchema } from "../../reports/delivery/config.ts";
import { contactResolver } from "../../reports/actions/contacts.ts";
import { parseConfig } from "../../pipelines/core/config.ts";
import { exec, openDb } from "../../pipelines/core/duckdb.ts";
import { lakePaths } from "../../pipelines/core/paths.ts";
import { DEMO_PSEUDONYM_KEY, pseudonymOf } from "../../pipelines/privacy/pseudonym.ts";
import { fakeServer, type FakeServer } from "./server.ts";

const tmp = mkdtempSync(join(tmpdir(), "commsight-actions-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const alert: Alert = {
  key: "csat-drop|All|2026-11-09..2026-11-15", ruleId: "csat-drop", ruleName: "CSAT down more than 5 points", severity: "warning",
  condition: "All", title: "CSAT down 6.1 percentage points on the period before",
  text: "CSAT was 84.0% in 9–15 Nov 2026 against 90.1% in 2–8 Nov 2026: down 6.1 percentage points.",
  period: "2026-11-09..2026-11-15", firedAt: "2026-11-16T12:00:00.000Z", metric: "csat", value: 84, threshold: 5,
};
const contactAlert: Alert = { ...alert, key: "churn|66d0d87e8dc1211467372303|2026-11-15", ruleId: "churn", condition: "66d0d87e8dc1211467372303",
  contactId: "66d0d87e8dc1211467372303", tag: "churn-risk", title: "Churn risk 93% for contact 66d0d87e8dc1211467372303" };

let n = 0;
let sleeps: number[] = [];
function ctx(env: NodeJS.ProcessEnv): DispatchContext {
  return {
    ledger: new ActionLedger(join(tmp, `actions-${++n}.jsonl`)), env, smtp: SmtpSchema.parse({}),
    retry: { retries: 3, baseMs: 1000, maxMs: 30_000 }, sleep: async (ms) => { sleeps.push(ms); },
    now: () => new Date("2026-11-16T12:00:05Z"),
  };
}
const dest = (d: unknown) => Destination.parse(d);
let server: FakeServer | undefined;
beforeEach(async () => { sleeps = []; await server?.close(); server = undefined; });

describe("actions, each per its public API", () => {
  it("Slack: POSTs a Block Kit message with a text fallback to the incoming webhook URL from the environment", async () => {
    server = await fakeServer(() => ({ status: 200, body: "ok" }));
    const env = { COMMSIGHT_SLACK_WEBHOOK_URL: `${server.url}/services/T000/B000/XXXX` };
    const out = await dispatchAlert(ctx(env), "ops-slack", dest({ type: "slack" }), alert);
    expect(out).toMatchObject({ status: "sent", key: `${alert.key}|ops-slack` });
    const [req] = server.seen;
    expect(req).toMatchObject({ method: "POST", path: "/services/T000/B000/XXXX" });
    expect(req!.headers["content-type"]).toBe("application/json");
    const body = req!.json as { text: string; blocks: { type: string; text?: { type: string; text: string }; fields?: { type: string; text: string }[]; elements?: unknown[] }[] };
    expect(body.text).toBe(`WARNING: ${alert.title}`);
    expect(body.blocks.map((b) => b.type)).toEqual(["header", "section", "section", "context"]);
    expect(body.blocks[0]!.text).toEqual({ type: "plain_text", text: alert.title, emoji: true });
    expect(body.blocks[1]!.text!.type).toBe("mrkdwn");
    expect(body.blocks[1]!.text!.text).toContain(alert.text);
    expect(body.blocks[2]!.fields!.map((f) => f.text)).toContain("*Severity*\nwarning");
  });

  it("webhook: signs the body with HMAC-SHA256 over timestamp.body and sends an Idempotency-Key", async () => {
    server = await fakeServer(() => ({ status: 204 }));
    const env = { HOOK_SECRET: "whsec_test" };
    const out = await dispatchAlert(ctx(env), "ops-hook", dest({ type: "webhook", url: `${server.url}/hooks/commsight`, secretEnv: "HOOK_SECRET" }), alert);
    expect(out.status).toBe("sent");
    const [req] = server.seen;
    expect(req).toMatchObject({ method: "POST", path: "/hooks/commsight" });
    const ts = req!.headers["x-commsight-timestamp"] as string;
    expect(ts).toBe(String(Date.parse("2026-11-16T12:00:05Z") / 1000));
    const expected = `sha256=${createHmac("sha256", "whsec_test").update(`${ts}.${req!.body}`).digest("hex")}`;
    expect(req!.headers["x-commsight-signature"]).toBe(expected);
    expect(req!.headers["idempotency-key"]).toBe(`${alert.key}|ops-hook`);
    expect(req!.headers["x-commsight-event"]).toBe("alert.fired");
    expect(req!.json).toMatchObject({ event: "alert.fired", alert: { ruleId: "csat-drop", severity: "warning", value: 84 } });
  });

  it("Linear: issueCreate over GraphQL with the raw API key and an issue id derived from the alert key", async () => {
    server = await fakeServer(() => ({ status: 200, body: { data: { issueCreate: { success: true, issue: { id: "x", identifier: "CX-12", url: "https://linear.app/x" } } } } }));
    const env = { LINEAR_API_KEY: "lin_api_test" };
    const out = await dispatchAlert(ctx(env), "cx-linear", dest({ type: "linear", endpoint: `${server.url}/graphql`, teamId: "9cfb482a-81e3-4154-b5b9-2c805e70a02d" }), alert);
    expect(out).toMatchObject({ status: "sent", detail: "linear issue CX-12" });
    const [req] = server.seen;
    expect(req).toMatchObject({ method: "POST", path: "/graphql" });
    expect(req!.headers.authorization).toBe("lin_api_test");
    const body = req!.json as { query: string; variables: { input: Record<string, unknown> } };
    expect(body.query).toBe(LINEAR_ISSUE_CREATE);
    expect(body.query).toMatch(/issueCreate\(input: \$input\)/);
    expect(body.variables.input).toMatchObject({ teamId: "9cfb482a-81e3-4154-b5b9-2c805e70a02d", title: alert.title, priority: 2 });
    expect(body.variables.input.id).toBe(uuidFromKey(`${alert.key}|cx-linear`));
    expect(body.variables.input.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(body.variables.input.description).toContain(alert.text);
  });

  it("Linear: an issue that already exists (a retry after a lost reply) counts as created", async () => {
    server = await fakeServer(() => ({ status: 200, body: { errors: [{ message: "Entity already exists" }] } }));
    const out = await dispatchAlert(ctx({ LINEAR_API_KEY: "k" }), "cx-linear", dest({ type: "linear", endpoint: `${server.url}/graphql`, teamId: "t" }), alert);
    expect(out.status).toBe("sent");
    expect(out.detail).toContain("already created");
  });

  it("Asana: POST /api/1.0/tasks with {data: {...}} and a Bearer token", async () => {
    server = await fakeServer(() => ({ status: 201, body: { data: { gid: "1204567", resource_type: "task" } } }));
    const env = { ASANA_ACCESS_TOKEN: "2/asana-pat" };
    const out = await dispatchAlert(ctx(env), "cx-asana",
      dest({ type: "asana", endpoint: `${server.url}/api/1.0`, workspace: "1100", projects: ["1200"] }), alert);
    expect(out).toMatchObject({ status: "sent", detail: "asana task 1204567" });
    const [req] = server.seen;
    expect(req).toMatchObject({ method: "POST", path: "/api/1.0/tasks" });
    expect(req!.headers.authorization).toBe("Bearer 2/asana-pat");
    expect(req!.json).toMatchObject({ data: { workspace: "1100", projects: ["1200"], name: alert.title } });
    expect((req!.json as { data: { notes: string } }).data.notes).toContain(alert.text);
  });

  it("OpenPhone: adds the tag to the contact's multi-select custom field via PATCH /v1/contacts/{id}, keeping its values", async () => {
    const contacts = new Map<string, string[]>([[contactAlert.contactId!, ["vip"]]]);
    server = await fakeServer((req) => {
      const id = req.path.split("/").pop()!;
      if (req.method === "GET") return { status: 200, body: { data: { id, customFields: [{ name: "Tags", key: "commsight-tags", id: "cf1", type: "multi-select", value: contacts.get(id) }] } } };
      contacts.set(id, (req.json as { customFields: { value: string[] }[] }).customFields[0]!.value);
      return { status: 200, body: { data: { id } } };
    });
    const env = { OPENPHONE_API_KEY: "op_key_raw" };
    const d = dest({ type: "openphone", endpoint: server.url, field: "commsight-tags" });
    const out = await dispatchAlert(ctx(env), "quo-tag", d, contactAlert);
    expect(out.status).toBe("sent");
    expect(server.seen.map((s) => `${s.method} ${s.path}`)).toEqual([`GET /v1/contacts/${contactAlert.contactId}`, `PATCH /v1/contacts/${contactAlert.contactId}`]);
    for (const s of server.seen) expect(s.headers.authorization).toBe("op_key_raw");
    expect(server.seen[1]!.json).toEqual({ customFields: [{ key: "commsight-tags", value: ["vip", "churn-risk"] }] });
    // A later alert for the same contact and tag (a new episode) finds it tagged and writes nothing.
    const again = await dispatchAlert(ctx(env), "quo-tag", d, { ...contactAlert, key: `${contactAlert.key}-2` });
    expect(again.detail).toContain("already tagged");
    expect(server.seen.filter((s) => s.method === "PATCH")).toHaveLength(1);
  });

  it("retries 5xx and 429 with exponential backoff (or Retry-After), then succeeds once", async () => {
    server = await fakeServer((_r, i) => (i === 1 ? { status: 503 } : i === 2 ? { status: 429, headers: { "retry-after": "7" } } : { status: 200, body: "ok" }));
    const c = ctx({ COMMSIGHT_SLACK_WEBHOOK_URL: `${server.url}/services/x` });
    const out = await dispatchAlert(c, "ops-slack", dest({ type: "slack" }), alert);
    expect(out.status).toBe("sent");
    expect(server.seen).toHaveLength(3);
    expect(sleeps).toEqual([1000, 7000]);
    expect(c.ledger.records().map((r) => r.status)).toEqual(["sending", "sent"]);
  });

  it("does not retry a bad request; the next run tries again, and a missing secret fails without a request", async () => {
    server = await fakeServer(() => ({ status: 400, body: { errors: [{ message: "invalid team" }] } }));
    const c = ctx({ LINEAR_API_KEY: "k" });
    const d = dest({ type: "linear", endpoint: `${server.url}/graphql`, teamId: "t" });
    expect((await dispatchAlert(c, "cx", d, alert)).status).toBe("failed");
    expect(server.seen).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect((await dispatchAlert(c, "cx", d, alert)).status).toBe("failed");
    expect(c.ledger.state(`${alert.key}|cx`)).toMatchObject({ status: "failed", attempts: 2 });
    const noKey = await dispatchAlert(ctx({}), "cx", d, alert);
    expect(noKey).toMatchObject({ status: "failed", detail: "linear destination: environment variable LINEAR_API_KEY is not set" });
    expect(server.seen).toHaveLength(2);
  });

  it("OpenPhone: writes to the phone system's contact id, found from the mart's pseudonym in the raw lake", async () => {
    const paths = lakePaths(parseConfig({ paths: { data: join(tmp, "lake-data") } }));
    mkdirSync(join(paths.raw, "contacts"), { recursive: true });
    const db = await openDb();
    try {
      await exec(db, `COPY (SELECT * FROM (VALUES ('66d0d87e8dc1211467372303'), ('664d0db69fcac7cf2e6ec000')) t(id)) TO '${join(paths.raw, "contacts", "data.parquet")}' (FORMAT parquet)`);
    } finally {
      db.close();
    }
    server = await fakeServer((req) => (req.method === "GET" ? { status: 200, body: { data: { customFields: [] } } } : { status: 200, body: { data: {} } }));
    const pseudonym = pseudonymOf(DEMO_PSEUDONYM_KEY, "contact", "664d0db69fcac7cf2e6ec000");
    const c = { ...ctx({ OPENPHONE_API_KEY: "k" }), resolveContact: contactResolver(paths, {}) };
    const d = dest({ type: "openphone", endpoint: server.url, field: "commsight-tags" });
    const out = await dispatchAlert(c, "quo-tag", d, { ...contactAlert, key: "churn|p", contactId: pseudonym });
    expect(out.status).toBe("sent");
    expect(server.seen.map((s) => `${s.method} ${s.path}`)).toEqual(["GET /v1/contacts/664d0db69fcac7cf2e6ec000", "PATCH /v1/contacts/664d0db69fcac7cf2e6ec000"]);
    expect(out.detail).toContain(pseudonym); // the ledger keeps the pseudonym, not the id
    const unknown = await dispatchAlert(c, "quo-tag", d, { ...contactAlert, key: "churn|q", contactId: "ct_0000000000000000" });
    expect(unknown).toMatchObject({ status: "failed", detail: "no contact in the raw lake has the pseudonym ct_0000000000000000 (was COMMSIGHT_PSEUDONYM_KEY changed?)" });
  });
});

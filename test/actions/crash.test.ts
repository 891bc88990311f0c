/**
 * Nothing is sent twice, even across a crash: a child process is SIGKILLed while its request is in
 * flight. On the next run a destination that cannot deduplicate (Slack) is marked in doubt and not sent
 * again; one that can (a webhook with its Idempotency-Key) is sent again with the same key. A torn
 * last ledger line (a crash mid-write) is ignored.
 */
import { spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Alert } from "../../reports/actions/alert.ts";
import { Destination } from "../../reports/actions/destinations.ts";
import { dispatchAlert } from "../../reports/actions/dispatch.ts";
import { ActionLedger } from "../../reports/actions/ledger.ts";
import { SmtpSchema } from "../../reports/delivery/config.ts";
import { fakeServer, type FakeServer } from "./server.ts";

const tmp = mkdtempSync(join(tmpdir(), "commsight-crash-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const alert: Alert = {
  key: "abandonment-high|All|2026-11-09..2026-11-15", ruleId: "abandonment-high", ruleName: "Abandonment above 15%", severity: "critical",
  condition: "All", title: "Abandonment rate above 15.0%: 24.2%", text: "Abandonment rate was 24.2%.", period: "2026-11-09..2026-11-15",
  firedAt: "2026-11-16T12:00:00.000Z",
};

/** Run the dispatch in a child, wait until the server holds its request, then SIGKILL the child. */
async function crashMidSend(server: FakeServer, ledger: string, name: string, dest: unknown, env: Record<string, string>): Promise<void> {
  const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "fixtures", "dispatch-child.ts"),
    JSON.stringify({ ledger, name, dest, alert, env })], { stdio: "ignore" });
  const exited = new Promise<NodeJS.Signals | null>((r) => child.on("exit", (_c, sig) => r(sig)));
  const deadline = Date.now() + 30_000;
  while (server.seen.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  expect(server.seen.length, "the child's request reached the server").toBe(1);
  child.kill("SIGKILL");
  expect(await exited).toBe("SIGKILL");
}

describe("the action ledger across a crash", () => {
  it("never re-sends to Slack after a crash mid-send: the action is in doubt, for a person to check", async () => {
    const server = await fakeServer(() => ({ status: 200, hang: true }));
    const ledgerPath = join(tmp, "slack.jsonl");
    const env = { COMMSIGHT_SLACK_WEBHOOK_URL: `${server.url}/services/x` };
    await crashMidSend(server, ledgerPath, "ops-slack", { type: "slack" }, env);
    const ledger = new ActionLedger(ledgerPath);
    expect(ledger.state(`${alert.key}|ops-slack`)).toMatchObject({ status: "sending", attempts: 1 });
    const ctx = { ledger, env, smtp: SmtpSchema.parse({}) };
    const out = await dispatchAlert(ctx, "ops-slack", Destination.parse({ type: "slack" }), alert);
    expect(out.status).toBe("in-doubt");
    expect((await dispatchAlert(ctx, "ops-slack", Destination.parse({ type: "slack" }), alert)).status).toBe("in-doubt");
    expect(server.seen).toHaveLength(1);
    await server.close();
  });

  it("re-sends to a webhook after a crash, with the same Idempotency-Key, and then never again", async () => {
    let hang = true;
    const server = await fakeServer(() => (hang ? { status: 200, hang: true } : { status: 200, body: "ok" }));
    const ledgerPath = join(tmp, "hook.jsonl");
    const dest = { type: "webhook", url: `${server.url}/hook`, secretEnv: "HOOK_SECRET" };
    const env = { HOOK_SECRET: "s" };
    await crashMidSend(server, ledgerPath, "hook", dest, env);
    hang = false;
    const ctx = { ledger: new ActionLedger(ledgerPath), env, smtp: SmtpSchema.parse({}) };
    expect((await dispatchAlert(ctx, "hook", Destination.parse(dest), alert)).status).toBe("sent");
    expect((await dispatchAlert(ctx, "hook", Destination.parse(dest), alert)).status).toBe("skipped");
    expect(server.seen).toHaveLength(2);
    expect(server.seen[1]!.headers["idempotency-key"]).toBe(server.seen[0]!.headers["idempotency-key"]);
    expect(ctx.ledger.records().map((r) => r.status)).toEqual(["sending", "sending", "sent"]);
    await server.close();
  });

  it("ignores a torn last line and keeps appending", () => {
    const path = join(tmp, "torn.jsonl");
    const ledger = new ActionLedger(path);
    ledger.append({ key: "k1", destination: "d", type: "slack", status: "sent", attempt: 1 });
    appendFileSync(path, '{"key":"k2","destination":"d","ty');
    expect(ledger.records().map((r) => r.key)).toEqual(["k1"]);
    appendFileSync(path, "\n");
    ledger.append({ key: "k3", destination: "d", type: "slack", status: "sent", attempt: 1 });
    expect([...ledger.states().keys()]).toEqual(["k1", "k3"]);
  });
});

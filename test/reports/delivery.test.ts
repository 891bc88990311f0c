/**
 * E-mail delivery with a real SMTP server (smtp-server) on 127.0.0.1: the leadership PDF arrives
 * attached, byte for byte; the same period is not sent twice; a server that is down fails the send,
 * records it, and the next run sends it once.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig, type Config } from "../../pipelines/core/config.ts";
import { Destination } from "../../reports/actions/destinations.ts";
import { dispatchAlert } from "../../reports/actions/dispatch.ts";
import { ActionLedger } from "../../reports/actions/ledger.ts";
import { deliveryKey } from "../../reports/publish/deliver.ts";
import { produceReport } from "../../reports/publish/produce.ts";
import { statePaths } from "../../reports/rules/run.ts";
import { buildFixture, FIXTURE } from "./fixture.ts";
import { decodeHeader, parseMime } from "./mime.ts";

const tmp = mkdtempSync(join(tmpdir(), "commsight-delivery-"));
type Received = { from: string; to: string[]; raw: string; user?: string };

function smtpServer(): Promise<{ server: SMTPServer; port: number; received: Received[] }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    disabledCommands: ["STARTTLS"], authOptional: true, allowInsecureAuth: true, logger: false,
    onAuth(auth, _session, cb) { cb(null, { user: auth.username }); },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "", to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("latin1"), ...(session.user ? { user: String(session.user) } : {}),
        });
        cb();
      });
    },
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, port: (server.server.address() as AddressInfo).port, received })));
}

let smtp: Awaited<ReturnType<typeof smtpServer>>;
let base: Config;
beforeAll(async () => {
  smtp = await smtpServer();
  base = await buildFixture(join(tmp, "data"), { forecast: true });
});
afterAll(async () => {
  await new Promise<void>((r) => smtp.server.close(() => r()));
  rmSync(tmp, { recursive: true, force: true });
});

const withDelivery = (port: number): Config => parseConfig({
  business: { name: FIXTURE.business }, paths: { data: base.paths.data },
  delivery: { email: {
    smtp: { host: "127.0.0.1", port, starttls: "never", from: "Commsight <reports@example.com>" },
    reports: [{ kind: "leadership", period: "week", to: ["ceo@example.com", "coo@example.com"], cc: ["ops@example.com"] }],
  } },
  rules: { retries: 1, backoffSeconds: 0.01 },
});

describe("e-mail delivery of reports", () => {
  it("sends the leadership PDF attached, byte for byte, with the SMTP credentials from the environment", async () => {
    const config = withDelivery(smtp.port);
    const env = { ...process.env, COMMSIGHT_SMTP_USER: "commsight", COMMSIGHT_SMTP_PASS: "s3cret" };
    const r = await produceReport(config, { kind: "leadership", period: "week", env });
    expect(r.delivered.map((d) => d.status)).toEqual(["sent"]);
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.from).toBe("reports@example.com");
    expect(mail.to.sort()).toEqual(["ceo@example.com", "coo@example.com", "ops@example.com"]);
    expect(mail.user).toBe("commsight");
    const { headers, parts } = parseMime(mail.raw);
    expect(decodeHeader(headers.subject!)).toBe(`${FIXTURE.business}: Weekly leadership report, 9–15 Nov 2026`);
    expect(headers["message-id"]).toMatch(/^<[0-9a-f]{32}@commsight>$/);
    const pdf = parts.find((p) => p.headers["content-type"]?.startsWith("application/pdf"));
    expect(pdf, "a PDF part").toBeDefined();
    expect(pdf!.headers["content-disposition"]).toContain(`filename=leadership-week-${FIXTURE.weekEnd}.pdf`);
    expect(pdf!.body.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(pdf!.body.equals(readFileSync(r.pdf))).toBe(true);
    const text = parts.find((p) => p.headers["content-type"]?.startsWith("text/plain"));
    expect(text!.body.toString("utf8")).toContain(`commsight report --kind leadership --period week --date ${FIXTURE.weekEnd}`);
  });

  it("does not send the same period to the same people twice", async () => {
    const config = withDelivery(smtp.port);
    const before = smtp.received.length;
    const r = await produceReport(config, { kind: "leadership", period: "week" });
    expect(r.delivered.map((d) => d.status)).toEqual(["skipped"]);
    expect(smtp.received.length).toBe(before);
  });

  it("records a failed send when the server is down, and sends it once when it is back", async () => {
    const down = await smtpServer();
    const port = down.port;
    await new Promise<void>((r) => down.server.close(() => r()));
    const config = withDelivery(port);
    const r1 = await produceReport(config, { kind: "leadership", period: "week", date: "2026-11-04" });
    expect(r1.delivered.map((d) => d.status)).toEqual(["failed"]);
    const key = deliveryKey({ kind: "leadership", period: r1.period, pdf: r1.pdf, title: "" }, ["ceo@example.com", "coo@example.com"]);
    const ledger = new ActionLedger(statePaths(config).actions);
    expect(ledger.state(key)).toMatchObject({ status: "failed", attempts: 1 });
    expect(ledger.state(key)!.detail).toMatch(/ECONNREFUSED|connect/i);

    const back = withDelivery(smtp.port);
    const before = smtp.received.length;
    const r2 = await produceReport(back, { kind: "leadership", period: "week", date: "2026-11-04" });
    expect(r2.delivered.map((d) => d.status)).toEqual(["sent"]);
    const r3 = await produceReport(back, { kind: "leadership", period: "week", date: "2026-11-04" });
    expect(r3.delivered.map((d) => d.status)).toEqual(["skipped"]);
    expect(smtp.received.length).toBe(before + 1);
    expect(ledger.state(key)).toMatchObject({ status: "sent", attempts: 2 });
  });

  it("e-mails an alert to an email destination through the same server, once", async () => {
    const config = withDelivery(smtp.port);
    const before = smtp.received.length;
    const ledger = new ActionLedger(join(tmp, "alert-actions.jsonl"));
    const alert = { key: "nps-low|All|2026-11-09..2026-11-15", ruleId: "nps-low", ruleName: "Weekly NPS below 45", severity: "critical" as const,
      condition: "All", title: "NPS below 45.0: 42.1", text: "NPS was 42.1 in 9–15 Nov 2026.", period: "2026-11-09..2026-11-15", firedAt: "2026-11-16T07:00:00Z" };
    const dest = Destination.parse({ type: "email", to: ["coo@example.com"] });
    const ctx = { ledger, env: {}, smtp: config.delivery.email.smtp };
    expect((await dispatchAlert(ctx, "leaders", dest, alert)).status).toBe("sent");
    expect((await dispatchAlert(ctx, "leaders", dest, alert)).status).toBe("skipped");
    expect(smtp.received.length).toBe(before + 1);
    const mail = smtp.received.at(-1)!;
    expect(mail.to).toEqual(["coo@example.com"]);
    const { headers, parts } = parseMime(mail.raw);
    expect(decodeHeader(headers.subject!)).toBe("[Commsight critical] NPS below 45.0: 42.1");
    expect(parts[0]!.body.toString("utf8")).toContain("Rule: Weekly NPS below 45");
  });
});

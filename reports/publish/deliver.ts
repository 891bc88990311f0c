/**
 * E-mailing a rendered report to its subscribers (delivery.email.reports), with the PDF attached (and
 * the staffing CSV), once per report, period and recipients: the action ledger remembers what was sent,
 * so a scheduled re-render of the same period sends nothing new.
 */
import { basename } from "node:path";
import type { Config } from "../../pipelines/core/config.ts";
import { dispatchOnce, type Outcome } from "../actions/dispatch.ts";
import { ActionLedger } from "../actions/ledger.ts";
import { sendMail, type Attachment } from "../delivery/email.ts";
import { statePaths } from "../rules/run.ts";
import type { ReportPeriod } from "../shared/period.ts";

export type Produced = { kind: "leadership" | "staffing" | "coaching"; period: ReportPeriod; pdf: string; csv?: string; title: string };

export type DeliverOptions = { env?: NodeJS.ProcessEnv; now?: () => Date; sleep?: (ms: number) => Promise<void> };

export function deliveryKey(r: Produced, to: readonly string[]): string {
  return `report|${r.kind}|${r.period.kind}|${r.period.id}|${[...to].sort().join(",")}`;
}

export async function deliverReport(config: Config, report: Produced, opts: DeliverOptions = {}): Promise<Outcome[]> {
  const subs = config.delivery.email.reports.filter((s) => s.kind === report.kind && s.period === report.period.kind);
  if (subs.length === 0) return [];
  const ledger = new ActionLedger(statePaths(config).actions, opts.now);
  const attachments: Attachment[] = [
    { filename: basename(report.pdf), path: report.pdf, contentType: "application/pdf" },
    ...(report.csv ? [{ filename: basename(report.csv), path: report.csv, contentType: "text/csv" }] : []),
  ];
  const out: Outcome[] = [];
  for (const sub of subs) {
    const key = deliveryKey(report, sub.to);
    const subject = `${config.business.name}: ${report.title}, ${report.period.label}`;
    const text = `${report.title} for ${report.period.label} (${report.period.start} to ${report.period.end}) is attached.\n\n` +
      `Reproduce it with: commsight report --kind ${report.kind} --period ${report.period.kind} --date ${report.period.end}\n`;
    out.push(await dispatchOnce(
      { ledger, env: opts.env ?? process.env, smtp: config.delivery.email.smtp, maxAttempts: config.rules.maxAttempts,
        retry: { retries: config.rules.retries, baseMs: config.rules.backoffSeconds * 1000, maxMs: 60_000 }, ...(opts.sleep ? { sleep: opts.sleep } : {}) },
      { key, destination: `email:${sub.to.join(",")}`, type: "email", title: subject, idempotent: false },
      () => sendMail(config.delivery.email.smtp, { to: sub.to, cc: sub.cc, subject, text, attachments, key }, opts.env ?? process.env),
    ));
  }
  return out;
}

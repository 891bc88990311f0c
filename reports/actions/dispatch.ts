/**
 * Sending an action at most once per idempotency key, with retries, across crashes (see ledger.ts):
 *   sent              → skipped
 *   sending, no outcome (the process died mid-send)
 *                     → re-sent only to destinations that deduplicate; otherwise marked in-doubt
 *   in-doubt          → left for a person (`commsight alerts list` shows it)
 *   failed            → tried again on the next run, up to maxAttempts runs
 */
import type { SmtpConfig } from "../delivery/config.ts";
import { sendMail } from "../delivery/email.ts";
import type { Alert } from "./alert.ts";
import { sendSlack, sendWebhook } from "./chat.ts";
import { IDEMPOTENT, MissingSecretError, type Destination } from "./destinations.ts";
import { alertMail } from "./email.ts";
import { DEFAULT_RETRY, isRetryable, withRetries, type RetryPolicy } from "./http.ts";
import type { ActionLedger } from "./ledger.ts";
import { tagContact } from "./openphone.ts";
import { createAsanaTask, createLinearIssue } from "./tasks.ts";

export type DispatchContext = {
  ledger: ActionLedger;
  env: NodeJS.ProcessEnv;
  smtp: SmtpConfig;
  retry?: RetryPolicy;
  /** Runs (not retries) before a failing action is given up. */
  maxAttempts?: number;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** Pseudonymous contact id → the phone system's id (contacts.ts), for the OpenPhone write-back. */
  resolveContact?: (id: string) => Promise<string>;
};

export type Outcome = { key: string; destination: string; status: "sent" | "skipped" | "failed" | "in-doubt"; detail: string };

export type ActionSpec = { key: string; destination: string; type: string; title: string; idempotent: boolean };

/** Run `send` once for the key unless the ledger says it was sent (or may have been). */
export async function dispatchOnce(ctx: DispatchContext, spec: ActionSpec, send: () => Promise<string>): Promise<Outcome> {
  const { ledger } = ctx;
  const base = { key: spec.key, destination: spec.destination, type: spec.type, title: spec.title };
  const state = ledger.state(spec.key);
  if (state?.status === "sent") return { ...base, status: "skipped", detail: `already sent (${state.detail ?? ""})` };
  if (state?.status === "in-doubt") return { ...base, status: "in-doubt", detail: state.detail ?? "outcome unknown" };
  if (state?.status === "sending" && !spec.idempotent) {
    const detail = "a send was under way when the process stopped; its outcome is unknown and this destination cannot deduplicate, so it is not sent again";
    ledger.append({ ...base, status: "in-doubt", attempt: state.attempts, detail });
    return { ...base, status: "in-doubt", detail };
  }
  const maxAttempts = ctx.maxAttempts ?? 5;
  if (state?.status === "failed" && state.attempts >= maxAttempts) {
    return { ...base, status: "failed", detail: `gave up after ${state.attempts} runs: ${state.detail ?? ""}` };
  }
  const attempt = (state?.attempts ?? 0) + 1;
  ledger.append({ ...base, status: "sending", attempt });
  try {
    const detail = await withRetries(() => send(), ctx.retry ?? DEFAULT_RETRY, {
      ...(ctx.sleep ? { sleep: ctx.sleep } : {}),
      retryable: (e) => !(e instanceof MissingSecretError) && isRetryable(e),
    });
    ledger.append({ ...base, status: "sent", attempt, detail });
    return { ...base, status: "sent", detail };
  } catch (err) {
    const detail = (err as Error).message ?? String(err);
    ledger.append({ ...base, status: "failed", attempt, detail });
    return { ...base, status: "failed", detail };
  }
}

/** Send an alert to one named destination. */
export function dispatchAlert(ctx: DispatchContext, name: string, dest: Destination, alert: Alert): Promise<Outcome> {
  const now = ctx.now ?? (() => new Date());
  const spec: ActionSpec = { key: `${alert.key}|${name}`, destination: name, type: dest.type, title: alert.title, idempotent: IDEMPOTENT[dest.type] };
  return dispatchOnce(ctx, spec, () => {
    switch (dest.type) {
      case "slack": return sendSlack(dest, alert, ctx.env);
      case "webhook": return sendWebhook(dest, { ...alert, key: spec.key }, ctx.env, now);
      case "email": return sendMail(ctx.smtp, alertMail(alert, dest.to), ctx.env);
      case "linear": return createLinearIssue(dest, { ...alert, key: spec.key }, ctx.env);
      case "asana": return createAsanaTask(dest, alert, ctx.env);
      case "openphone": return tagContact(dest, alert, ctx.env, ctx.resolveContact);
    }
  });
}

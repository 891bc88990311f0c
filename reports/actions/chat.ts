/**
 * Messages: a Slack incoming webhook (Block Kit: https://api.slack.com/messaging/webhooks — POST JSON
 * with `text` as the notification fallback and `blocks`) and a generic webhook signed with HMAC-SHA256.
 */
import { createHmac } from "node:crypto";
import type { Alert } from "./alert.ts";
import { secret, type SlackDestination, type WebhookDestination } from "./destinations.ts";
import { requestJson } from "./http.ts";
import type { z } from "zod";

const ICON = { info: ":information_source:", warning: ":warning:", critical: ":rotating_light:" } as const;

/** The Block Kit message for an alert: a header, the finding, the facts as fields, and where it came from. */
export function slackMessage(alert: Alert) {
  const facts: [string, string][] = [
    ["Severity", alert.severity], ["Rule", alert.ruleName], ["Period", alert.period],
    ...(alert.metric ? [["Metric", alert.metric] as [string, string]] : []),
    ...(alert.value !== undefined && alert.value !== null ? [["Value", String(Number(alert.value.toPrecision(4)))] as [string, string]] : []),
    ...(alert.threshold !== undefined ? [["Threshold", String(alert.threshold)] as [string, string]] : []),
  ];
  return {
    text: `${alert.severity.toUpperCase()}: ${alert.title}`,
    blocks: [
      { type: "header", text: { type: "plain_text", text: `${alert.title}`.slice(0, 150), emoji: true } },
      { type: "section", text: { type: "mrkdwn", text: `${ICON[alert.severity]} ${alert.text}`.slice(0, 3000) } },
      { type: "section", fields: facts.slice(0, 10).map(([k, v]) => ({ type: "mrkdwn", text: `*${k}*\n${v}`.slice(0, 2000) })) },
      { type: "context", elements: [{ type: "mrkdwn", text: `Commsight · alert ${alert.key}` }] },
    ],
  };
}

export async function sendSlack(dest: z.infer<typeof SlackDestination>, alert: Alert, env: NodeJS.ProcessEnv): Promise<string> {
  const url = secret(env, dest.urlEnv, "slack destination");
  const res = await requestJson("POST", url, slackMessage(alert), {});
  return `slack ${res.status} ${res.body.slice(0, 40)}`;
}

/**
 * The signature receivers check: hex HMAC-SHA256 over "<timestamp>.<body>" with the shared secret, sent
 * as `X-Commsight-Signature: sha256=<hex>` with `X-Commsight-Timestamp` (reject stale timestamps to stop replays).
 */
export function signWebhook(secretKey: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secretKey).update(`${timestamp}.${body}`).digest("hex")}`;
}

export async function sendWebhook(
  dest: z.infer<typeof WebhookDestination>, alert: Alert, env: NodeJS.ProcessEnv, now: () => Date, event = "alert.fired",
): Promise<string> {
  const key = secret(env, dest.secretEnv, "webhook destination");
  const body = JSON.stringify({ event, alert });
  const timestamp = String(Math.floor(now().getTime() / 1000));
  const res = await requestJson("POST", dest.url, body, {
    "x-commsight-event": event,
    "x-commsight-timestamp": timestamp,
    "x-commsight-signature": signWebhook(key, timestamp, body),
    // Receivers deduplicate on this: a retry after a crash carries the same key.
    "idempotency-key": alert.key,
  });
  return `webhook ${res.status}`;
}

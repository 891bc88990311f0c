/**
 * Where actions go, as declared under `destinations:` in the rules file. Every endpoint is configurable
 * (tests point them at 127.0.0.1); every secret is named by an environment variable, never written here.
 */
import { z } from "zod";

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "expected the name of an environment variable, e.g. COMMSIGHT_SLACK_WEBHOOK_URL");
const httpUrl = z.url({ protocol: /^https?$/, error: "expected an http(s) URL" });

export const SlackDestination = z.strictObject({
  type: z.literal("slack"),
  /** Incoming webhook URLs carry their secret in the path, so the URL itself comes from the environment. */
  urlEnv: envName.default("COMMSIGHT_SLACK_WEBHOOK_URL"),
});

export const WebhookDestination = z.strictObject({
  type: z.literal("webhook"),
  url: httpUrl,
  /** HMAC-SHA256 key for the X-Commsight-Signature header. */
  secretEnv: envName.default("COMMSIGHT_WEBHOOK_SECRET"),
});

export const EmailDestination = z.strictObject({
  type: z.literal("email"),
  to: z.array(z.email()).min(1),
  /** Sent through delivery.email.smtp (credentials from the environment). */
});

export const LinearDestination = z.strictObject({
  type: z.literal("linear"),
  endpoint: httpUrl.default("https://api.linear.app/graphql"),
  apiKeyEnv: envName.default("LINEAR_API_KEY"),
  teamId: z.string().min(1),
  /** 0 none, 1 urgent, 2 high, 3 medium, 4 low; default from the alert's severity. */
  priority: z.number().int().min(0).max(4).optional(),
  labelIds: z.array(z.string()).default([]),
});

export const AsanaDestination = z.strictObject({
  type: z.literal("asana"),
  endpoint: httpUrl.default("https://app.asana.com/api/1.0"),
  tokenEnv: envName.default("ASANA_ACCESS_TOKEN"),
  workspace: z.string().min(1),
  projects: z.array(z.string()).default([]),
  assignee: z.string().optional(),
});

export const OpenPhoneDestination = z.strictObject({
  type: z.literal("openphone"),
  endpoint: httpUrl.default("https://api.openphone.com"),
  apiKeyEnv: envName.default("OPENPHONE_API_KEY"),
  /** The key of the contact custom field to write (GET /v1/contact-custom-fields lists them). */
  field: z.string().min(1),
  /** multi-select: the tag is added to the field's values (read first, then written); string: the field is set to it. */
  fieldType: z.enum(["multi-select", "string"]).default("multi-select"),
});

export const Destination = z.discriminatedUnion("type", [
  SlackDestination, WebhookDestination, EmailDestination, LinearDestination, AsanaDestination, OpenPhoneDestination,
]);
export type Destination = z.infer<typeof Destination>;
export type DestinationType = Destination["type"];

/**
 * Destinations where re-sending the same action cannot make a duplicate: OpenPhone (setting a field is
 * idempotent), Linear (the issue id is derived from the idempotency key) and the generic webhook (it
 * carries an Idempotency-Key header receivers are told to deduplicate on). The others are never re-sent
 * after a crash left the outcome unknown.
 */
export const IDEMPOTENT: Record<DestinationType, boolean> = {
  openphone: true, linear: true, webhook: true, slack: false, asana: false, email: false,
};

/** A secret from the environment, or an error naming the variable. */
export function secret(env: NodeJS.ProcessEnv, name: string, what: string): string {
  const v = env[name];
  if (!v) throw new MissingSecretError(`${what}: environment variable ${name} is not set`);
  return v;
}

export class MissingSecretError extends Error {}

/**
 * The `delivery` config section (hooked into pipelines/core/config.ts): who gets which report by e-mail,
 * and the SMTP server to send through. SMTP credentials never live here: COMMSIGHT_SMTP_USER and
 * COMMSIGHT_SMTP_PASS from the environment (no auth when unset, e.g. a local relay).
 */
import { z } from "zod";
import { registerConfigSection } from "../../pipelines/core/config.ts";

export const SmtpSchema = z.strictObject({
  host: z.string().default("127.0.0.1"),
  port: z.number().int().min(1).max(65535).default(587),
  /** true: TLS from the first byte (port 465); false: plain, upgraded with STARTTLS when starttls says so. */
  secure: z.boolean().default(false),
  /** require: fail unless the server upgrades; auto: upgrade when offered; never: plain (a local relay). */
  starttls: z.enum(["require", "auto", "never"]).default("auto"),
  from: z.string().default("Commsight <commsight@localhost>"),
  timeoutSeconds: z.number().positive().default(30),
});
export type SmtpConfig = z.infer<typeof SmtpSchema>;

export const ReportSubscription = z.strictObject({
  kind: z.enum(["leadership", "staffing", "coaching"]),
  period: z.enum(["week", "month"]),
  to: z.array(z.email()).min(1),
  cc: z.array(z.email()).default([]),
});
export type ReportSubscription = z.infer<typeof ReportSubscription>;

export const DeliveryConfigSchema = z.strictObject({
  email: z.strictObject({
    smtp: SmtpSchema.prefault({}),
    /** Each report e-mailed (PDF attached; the staffing CSV too) to these people once per period. */
    reports: z.array(ReportSubscription).default([]),
  }).prefault({}),
}).prefault({});
export type DeliveryConfig = z.infer<typeof DeliveryConfigSchema>;

declare module "../../pipelines/core/config.ts" {
  interface ConfigSections { delivery: DeliveryConfig }
}
registerConfigSection("delivery", DeliveryConfigSchema);

/** An alert as rules produce it and actions carry it: the record that crosses to Slack, webhooks, trackers. */
import { z } from "zod";

export const Severity = z.enum(["info", "warning", "critical"]);
export type Severity = z.infer<typeof Severity>;

export const Alert = z.object({
  /** Idempotency key of this alert: rule + condition + the period it fired for. */
  key: z.string().min(1),
  ruleId: z.string(),
  ruleName: z.string(),
  severity: Severity,
  /** What fired, within the rule (e.g. "all", a topic, a contact id). */
  condition: z.string(),
  title: z.string(),
  text: z.string(),
  /** The data the alert is about, e.g. "2026-11-09..2026-11-15" or a day. */
  period: z.string(),
  firedAt: z.string(),
  metric: z.string().optional(),
  value: z.number().nullable().optional(),
  threshold: z.number().optional(),
  contactId: z.string().optional(),
  /** The tag to write back to the contact (OpenPhone custom field). */
  tag: z.string().optional(),
});
export type Alert = z.infer<typeof Alert>;

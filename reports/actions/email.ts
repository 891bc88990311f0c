/** An alert as an e-mail (the `email` destination), sent through the SMTP transport of delivery/email.ts. */
import type { Mail } from "../delivery/email.ts";
import type { Alert } from "./alert.ts";

export function alertMail(alert: Alert, to: string[]): Mail {
  const lines = [alert.text, "", `Rule: ${alert.ruleName}`, `Severity: ${alert.severity}`, `Period: ${alert.period}`,
    ...(alert.contactId ? [`Contact: ${alert.contactId}`] : []), "", `Alert ${alert.key}`];
  return { to, subject: `[Commsight ${alert.severity}] ${alert.title}`, text: lines.join("\n"), key: alert.key };
}

/**
 * Sending e-mail through the configured SMTP server with nodemailer: reports with their PDF attached,
 * and alerts. The Message-ID is derived from the idempotency key, so a receiving system that
 * deduplicates by Message-ID sees one message even if a person forces a resend.
 */
import { createHash } from "node:crypto";
import nodemailer from "nodemailer";
import type { Alert, Attachment } from "../actions/alert.ts";
import type { SmtpConfig } from "./config.ts";

export type Mail = { to: string[]; cc?: string[]; subject: string; text: string; html?: string; attachments?: Attachment[]; key: string };

export function messageId(key: string): string {
  return `<${createHash("sha256").update(key).digest("hex").slice(0, 32)}@commsight>`;
}

export async function sendMail(smtp: SmtpConfig, mail: Mail, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const user = env.COMMSIGHT_SMTP_USER;
  const pass = env.COMMSIGHT_SMTP_PASS;
  const transport = nodemailer.createTransport({
    host: smtp.host, port: smtp.port, secure: smtp.secure,
    requireTLS: smtp.starttls === "require", ignoreTLS: smtp.starttls === "never",
    connectionTimeout: smtp.timeoutSeconds * 1000, greetingTimeout: smtp.timeoutSeconds * 1000, socketTimeout: smtp.timeoutSeconds * 1000,
    ...(user ? { auth: { user, pass: pass ?? "" } } : {}),
  });
  try {
    const info = await transport.sendMail({
      from: smtp.from, to: mail.to, ...(mail.cc?.length ? { cc: mail.cc } : {}), subject: mail.subject, text: mail.text,
      ...(mail.html ? { html: mail.html } : {}), messageId: messageId(mail.key),
      attachments: (mail.attachments ?? []).map((a) => ({ filename: a.filename, path: a.path, contentType: a.contentType })),
    });
    return `smtp ${info.response ?? "accepted"}`.slice(0, 200);
  } finally {
    transport.close();
  }
}

export function alertMail(alert: Alert, to: string[]): Mail {
  const lines = [alert.text, "", `Rule: ${alert.ruleName}`, `Severity: ${alert.severity}`, `Period: ${alert.period}`,
    ...(alert.contactId ? [`Contact: ${alert.contactId}`] : []), "", `Alert ${alert.key}`];
  return { to, subject: `[Commsight ${alert.severity}] ${alert.title}`, text: lines.join("\n"), key: alert.key };
}

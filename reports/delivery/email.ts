/**
 * Sending e-mail through the configured SMTP server with nodemailer: the transport under both the
 * reports' delivery (publish/deliver.ts, the PDF attached) and the alerts' e-mail action
 * (actions/email.ts). The Message-ID is derived from the idempotency key, so a receiving system that
 * deduplicates by Message-ID sees one message even if a person forces a resend.
 */
import { createHash } from "node:crypto";
import nodemailer from "nodemailer";
import type { SmtpConfig } from "./config.ts";

/** A file sent with a message (a report's PDF, the staffing CSV). */
export type Attachment = { filename: string; path: string; contentType: string };

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

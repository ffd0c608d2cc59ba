// Outgoing mail through SMTP (nodemailer), configured by SMTP_* (config section of issue 5).
// Used for staff notifications; citizen e-mail replies (issue 6) share the same settings.
import nodemailer from "nodemailer";
import type { Config } from "../config/config.js";

export type MailMessage = {
  to: string[];
  cc?: string[];
  subject: string;
  text: string;
};

export type Mailer = {
  send(message: MailMessage): Promise<{ messageId: string; accepted: string[] }>;
  close(): void;
};

/** null when SMTP_HOST is not set: the caller decides what "no mail" means. */
export function createMailer(config: Config): Mailer | null {
  if (!config.SMTP_HOST) return null;
  const transport = nodemailer.createTransport({
    host: config.SMTP_HOST,
    port: config.SMTP_PORT,
    secure: config.SMTP_SECURE,
    ...(config.SMTP_USER
      ? { auth: { user: config.SMTP_USER, pass: config.SMTP_PASSWORD ?? "" } }
      : {}),
    // A hung relay must not hold the job forever.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return {
    async send(m) {
      const info = await transport.sendMail({
        from: config.SMTP_FROM,
        to: m.to,
        ...(m.cc && m.cc.length ? { cc: m.cc } : {}),
        subject: m.subject,
        text: m.text,
      });
      return {
        messageId: String(info.messageId),
        accepted: ((info.accepted ?? []) as unknown[]).map((a) =>
          typeof a === "string" ? a : (a as { address: string }).address,
        ),
      };
    },
    close() {
      transport.close();
    },
  };
}

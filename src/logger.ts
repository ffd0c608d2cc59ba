// pino with redaction: names, phones, NIK, message bodies, tokens and passwords never reach
// the log. Request logs carry the path only (a query string may hold a searched name).
import pino, { type Logger } from "pino";

export const REDACT_PATHS = [
  "password",
  "*.password",
  "token",
  "*.token",
  "accessToken",
  "*.accessToken",
  "authorization",
  "*.authorization",
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  "nik",
  "*.nik",
  "name",
  "*.name",
  "nama",
  "*.nama",
  "phone",
  "*.phone",
  "phoneE164",
  "*.phoneE164",
  "telepon",
  "*.telepon",
  "email",
  "*.email",
  "body",
  "*.body",
  "isi",
  "*.isi",
  "keperluan",
  "*.keperluan",
  "text",
  "*.text",
  "narasi",
  "*.narasi",
  "alamat",
  "*.alamat",
  // Channel shapes (issue 9 audit of the redact list): whole webhook/outbox payloads, media
  // captions, e-mail subjects, WhatsApp contact cards and ids.
  "payload",
  "*.payload",
  "caption",
  "*.caption",
  "subject",
  "*.subject",
  "contacts",
  "*.contacts",
  "waId",
  "*.waId",
  "wa_id",
  "*.wa_id",
  // WhatsApp business-scoped user IDs (issue 19): personal data like a phone number.
  "bsuid",
  "*.bsuid",
  "user_id",
  "*.user_id",
  "recipient",
  "*.recipient",
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: "aduan-hub" },
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };

// Graph API plumbing shared by the WhatsApp Cloud API client and the Messenger/Instagram
// client: the HTTP instance, retry policies and the config schemas of their variables.
import axios, { type AxiosInstance, type AxiosResponse } from "axios";
import { z } from "zod";
import type { RetryPolicy } from "../../src/domain/retry-policy.js";
import { isHttpUrl } from "./http.js";
import { parseRetryAfterMs } from "./retry-after.js";

export const GRAPH_BASE_URL = "https://graph.facebook.com";
export const DEFAULT_GRAPH_VERSION = "v21.0";
export const GRAPH_VERSION_PATTERN = /^v\d{1,3}\.\d{1,2}$/;

export function createGraphHttp(options: {
  baseUrl: string;
  token: string;
  timeoutMs: number;
  userAgent: string;
}): AxiosInstance {
  return axios.create({
    baseURL: options.baseUrl,
    timeout: options.timeoutMs,
    // Status handling is ours: every code maps to a typed error.
    validateStatus: () => true,
    proxy: false,
    maxRedirects: 0,
    responseType: "text",
    transformResponse: [(d: unknown) => d],
    transitional: { clarifyTimeoutError: true, forcedJSONParsing: false, silentJSONParsing: false },
    headers: {
      // Header, not `?access_token=`: tokens must never land in URLs, proxies or logs.
      Authorization: `Bearer ${options.token}`,
      Accept: "application/json",
      "User-Agent": options.userAgent,
    },
  });
}

export function retryAfterOf(response: AxiosResponse<unknown>): number | null {
  return parseRetryAfterMs(response.headers["retry-after"]);
}

/** Sends are not idempotent on Meta's side: by default the Outbox, not the client, retries. */
export const GRAPH_SEND_RETRY_POLICY: RetryPolicy = Object.freeze({
  retries: 0,
  minTimeoutMs: 500,
  maxTimeoutMs: 10_000,
  factor: 2,
  jitter: true,
});

export const GRAPH_READ_RETRY_POLICY: RetryPolicy = Object.freeze({
  retries: 3,
  minTimeoutMs: 500,
  maxTimeoutMs: 10_000,
  factor: 2,
  jitter: true,
});

export function graphVersionSchema(envName: string) {
  return z
    .string({ error: `${envName} must be a string like "${DEFAULT_GRAPH_VERSION}"` })
    .trim()
    .regex(GRAPH_VERSION_PATTERN, {
      message: `${envName} must look like "${DEFAULT_GRAPH_VERSION}" (v<major>.<minor>)`,
    })
    .default(DEFAULT_GRAPH_VERSION);
}

export function tokenSchema(envName: string, what: string) {
  return z
    .string({ error: `${envName} is required: ${what}` })
    .trim()
    .min(1, { message: `${envName} is empty: ${what}` })
    .refine((t) => !/\s/.test(t), { message: `${envName} must not contain whitespace` });
}

export function baseUrlSchema(envName: string) {
  return z
    .string({ error: `${envName} must be a URL` })
    .refine(isHttpUrl, { message: `${envName} is not a valid URL (expected https://host)` })
    .default(GRAPH_BASE_URL);
}

export function timeoutSchema(envName: string) {
  return z.coerce
    .number({ error: `${envName} must be a number of milliseconds` })
    .int({ message: `${envName} must be a whole number of milliseconds` })
    .min(100, { message: `${envName} must be at least 100` })
    .max(120_000, { message: `${envName} must be at most 120000` })
    .default(15_000);
}

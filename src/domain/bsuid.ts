// WhatsApp business-scoped user IDs (BSUID, issue 19): a user who adopts a WhatsApp
// username may hide their phone number; webhooks then name them by a BSUID such as
// "ID.9A8B7C6D5E4F": an ISO 3166 alpha-2 country code, a dot, up to 128 alphanumerics
// (a parent BSUID has "ENT." in between). Personal data like a phone number: masked in
// views, never logged, covered by retention and subject requests.

const BSUID = /^[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128}$/;

export function isBsuid(value: string): boolean {
  return BSUID.test(value);
}

/** "ID.9A8B7C6D5E4F" → "ID.9A******4F": the country stays, the id does not. */
export function maskBsuid(bsuid: string): string {
  const dot = bsuid.lastIndexOf(".");
  const head = bsuid.slice(0, dot + 1);
  const id = bsuid.slice(dot + 1);
  if (id.length <= 4) return head + "*".repeat(id.length);
  return head + id.slice(0, 2) + "*".repeat(id.length - 4) + id.slice(-2);
}

// What the hub accepts as an id: a UUID in its canonical 8-4-4-4-12 hex form. Checked before
// every ::uuid cast, so a malformed id is a 400 or a 404, never PostgreSQL's 500.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(s: unknown): s is string {
  return typeof s === "string" && UUID.test(s);
}

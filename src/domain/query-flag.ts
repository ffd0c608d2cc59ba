// A boolean query parameter (`?overdue=true`, `?counts=true`…): the request gate checks it
// against the spec and leaves it a string; a service called in-process may pass a boolean.
export function queryFlag(v: unknown): boolean {
  return v === true || v === "true";
}

// The operation table: every request the API answers is one operation of openapi/hub.yaml,
// identified here from the raw path, exactly (case-sensitive, no trailing slash, no decoding,
// no normalisation). Access is bound to the operation found, never to a path pattern a
// handler or middleware writes itself: a request whose path is not exactly an operation's is
// answered 404 before authentication, validation or any handler sees it.
import { ROLES, type Role } from "../domain/roles.js";

export type Operation = {
  id: string;
  method: string;
  /** The spec's path template, e.g. /api/v1/cases/{id}. */
  path: string;
  /** `security: []` in the spec. */
  public: boolean;
  /** `x-roles`; null = every logged-in staff member. */
  roles: readonly Role[] | null;
  /**
   * Under /api/v1/cases/{id}: the case must be in the caller's office (else 404), and a
   * penelaah may write to it (any method but GET) only when it is disposed to their bidang.
   */
  caseScoped: boolean;
  regex: RegExp;
  params: string[];
};

export type OperationTable = {
  all: Operation[];
  byId: Map<string, Operation>;
  /** The operation for a method and a raw path, or why there is none. */
  match(
    method: string,
    rawPath: string,
  ):
    | { op: Operation; params: Record<string, string> }
    | { op: null; reason: "not_found" | "method_not_allowed"; allow: string[] };
};

const METHODS = ["get", "post", "put", "patch", "delete"] as const;
const CASE_PREFIX = "/api/v1/cases/{id}";

function compilePath(path: string): { regex: RegExp; params: string[] } {
  const params: string[] = [];
  let src = "^";
  for (const part of path.split(/(\{[^}]+\})/)) {
    if (!part) continue;
    const m = /^\{([^}]+)\}$/.exec(part);
    if (m) {
      params.push(m[1]!);
      // One whole segment, never empty, never a dot segment.
      src += "(?!\\.{1,2}(?:/|$))([^/]+)";
    } else {
      src += part.replace(/[.*+?^$()|[\]\\{}]/g, "\\$&");
    }
  }
  return { regex: new RegExp(src + "$"), params };
}

export function compileOperations(spec: Record<string, unknown>): OperationTable {
  const paths = (spec.paths ?? {}) as Record<string, Record<string, Record<string, unknown>>>;
  const all: Operation[] = [];
  const byId = new Map<string, Operation>();
  for (const [path, item] of Object.entries(paths)) {
    const { regex, params } = compilePath(path);
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const id = op.operationId;
      if (typeof id !== "string" || !id) throw new Error(`operationId missing: ${method} ${path}`);
      if (byId.has(id)) throw new Error(`operationId ${id} used twice`);
      const roles = op["x-roles"] as unknown;
      if (roles !== undefined) {
        if (!Array.isArray(roles) || roles.length === 0)
          throw new Error(`x-roles must be a non-empty list on ${id}`);
        for (const r of roles)
          if (!(ROLES as readonly unknown[]).includes(r))
            throw new Error(`x-roles: unknown role ${String(r)} on ${id}`);
      }
      const security = op.security as unknown[] | undefined;
      const isPublic = Array.isArray(security) && security.length === 0;
      if (isPublic && roles !== undefined)
        throw new Error(`${id} is public (security: []) and lists x-roles`);
      const entry: Operation = {
        id,
        method: method.toUpperCase(),
        path,
        public: isPublic,
        roles: (roles as Role[] | undefined) ?? null,
        caseScoped: path === CASE_PREFIX || path.startsWith(CASE_PREFIX + "/"),
        regex,
        params,
      };
      all.push(entry);
      byId.set(id, entry);
    }
  }
  // A literal segment wins over a parameter at the same place (/findings/preview before
  // /findings/{findingId}), whatever the order of the spec.
  const ordered = [...all].sort((a, b) => specificity(a.path, b.path));
  return {
    all,
    byId,
    match(method, rawPath) {
      const m = method === "HEAD" ? "GET" : method;
      const allow: string[] = [];
      for (const op of ordered) {
        const hit = op.regex.exec(rawPath);
        if (!hit) continue;
        if (op.method !== m) {
          allow.push(op.method);
          continue;
        }
        const params: Record<string, string> = {};
        op.params.forEach((name, i) => (params[name] = hit[i + 1]!));
        return { op, params };
      }
      return allow.length
        ? { op: null, reason: "method_not_allowed", allow }
        : { op: null, reason: "not_found", allow };
    },
  };
}

function specificity(a: string, b: string): number {
  const sa = a.split("/");
  const sb = b.split("/");
  for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
    const pa = sa[i]!.startsWith("{");
    const pb = sb[i]!.startsWith("{");
    if (pa !== pb) return pa ? 1 : -1;
  }
  return 0;
}

/**
 * Whether a raw path is meant for the API however it is spelt: upper or lower case,
 * percent-encoding, repeated slashes or dot segments. Such a path is answered by the
 * operation table alone.
 */
export function looksLikeApi(rawPath: string): boolean {
  let p = rawPath;
  for (let i = 0; i < 3; i++) {
    try {
      const d = decodeURIComponent(p);
      if (d === p) break;
      p = d;
    } catch {
      break;
    }
  }
  p = p.replace(/\\/g, "/").toLowerCase();
  const segments: string[] = [];
  for (const s of p.split("/")) {
    if (s === "" || s === ".") continue;
    if (s === "..") segments.pop();
    else segments.push(s.trim());
  }
  return segments[0] === "api";
}

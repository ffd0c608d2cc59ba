// PostgreSQL text cannot hold U+0000: one such character in a stored string fails the
// whole statement (and with it a sync page or a webhook batch).

// A lone UTF-16 surrogate ("\ud800") is not text either: it cannot be encoded as UTF-8.

/** Drops NUL characters and replaces lone surrogates with U+FFFD. */
export function stripNul(s: string): string {
  const t = s.includes("\u0000") ? s.split("\u0000").join("") : s;
  return t.isWellFormed() ? t : t.toWellFormed();
}

/** Whether a string can be stored as PostgreSQL text. */
export function isStorableText(s: string): boolean {
  return !s.includes("\u0000") && s.isWellFormed();
}

/**
 * Path of the first string that is not storable text (U+0000 or a lone surrogate) inside a parsed JSON value, or null.
 * Iterative, with paths rebuilt only on a hit: a hostile body nested thousands deep must
 * neither overflow the stack nor build quadratic path strings.
 */
export function findNul(value: unknown, path: string): string | null {
  type Node = { v: unknown; parent: number; key: string };
  const nodes: Node[] = [{ v: value, parent: -1, key: path }];
  const stack: number[] = [0];
  const pathOf = (i: number, lastKey?: string) => {
    const parts: string[] = lastKey === undefined ? [] : [lastKey];
    for (let n = i; n !== -1; n = nodes[n]!.parent) parts.push(nodes[n]!.key);
    return parts.reverse().join(".");
  };
  while (stack.length) {
    const i = stack.pop()!;
    const v = nodes[i]!.v;
    if (typeof v === "string") {
      if (!isStorableText(v)) return pathOf(i);
    } else if (Array.isArray(v)) {
      for (let k = v.length - 1; k >= 0; k--) {
        nodes.push({ v: v[k], parent: i, key: String(k) });
        stack.push(nodes.length - 1);
      }
    } else if (v && typeof v === "object") {
      for (const [k, child] of Object.entries(v)) {
        if (!isStorableText(k)) return pathOf(i, stripNul(k));
        nodes.push({ v: child, parent: i, key: k });
        stack.push(nodes.length - 1);
      }
    }
  }
  return null;
}

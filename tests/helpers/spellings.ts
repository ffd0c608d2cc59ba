// Other spellings of an API path: each names the same resource to a lenient router, and
// each must be answered 404 by the hub (routing is exact). Generated, not hand-picked:
// only the literal segments of the spec's template are respelt (a parameter's value is data).
export function spellings(template: string, path: string): { name: string; path: string }[] {
  const out: { name: string; path: string }[] = [];
  const literal = template.split("/").map((s) => !s.startsWith("{"));
  const segs = path.split("/"); // ["", "api", "v1", ...]
  segs.forEach((s, i) => {
    if (!literal[i] || !/^[a-z]/.test(s)) return;
    const upper = [...segs];
    upper[i] = s[0]!.toUpperCase() + s.slice(1);
    out.push({ name: `case:${i}`, path: upper.join("/") });
    const enc = [...segs];
    enc[i] = "%" + s.charCodeAt(0).toString(16).toUpperCase() + s.slice(1);
    out.push({ name: `percent-encoded:${i}`, path: enc.join("/") });
  });
  out.push({ name: "upper", path: path.toUpperCase() });
  out.push({ name: "trailing-slash", path: path + "/" });
  out.push({ name: "double-slash", path: path.replace("/api/v1/", "/api/v1//") });
  out.push({ name: "leading-double-slash", path: "/" + path });
  out.push({ name: "dot-segment", path: path.replace("/api/v1/", "/api/v1/./") });
  out.push({ name: "dotdot-segment", path: path.replace("/api/v1/", "/api/v1/x/../") });
  out.push({ name: "encoded-slash", path: path.replace("/api/v1/", "/api/v1%2F") });
  return out;
}

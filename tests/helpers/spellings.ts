// Other spellings of an API path: each names the same resource to a lenient router, and
// each must be answered 404 by the hub (routing is exact). Generated, not hand-picked.
export function spellings(path: string): { name: string; path: string }[] {
  const out: { name: string; path: string }[] = [];
  const segs = path.split("/"); // ["", "api", "v1", ...]
  // Upper-case the first letter of each literal segment in turn, and the whole path.
  segs.forEach((s, i) => {
    if (!s || !/^[a-z]/.test(s)) return;
    const copy = [...segs];
    copy[i] = s[0]!.toUpperCase() + s.slice(1);
    out.push({ name: `case:${i}`, path: copy.join("/") });
  });
  out.push({ name: "upper", path: path.toUpperCase() });
  out.push({ name: "trailing-slash", path: path + "/" });
  out.push({ name: "double-slash", path: path.replace("/api/v1/", "/api/v1//") });
  out.push({ name: "leading-double-slash", path: "/" + path });
  out.push({ name: "dot-segment", path: path.replace("/api/v1/", "/api/v1/./") });
  out.push({ name: "dotdot-segment", path: path.replace("/api/v1/", "/api/v1/x/../") });
  const last = segs[segs.length - 1]!;
  if (/^[a-z]/.test(last)) {
    const enc = "%" + last.charCodeAt(0).toString(16).toUpperCase();
    out.push({
      name: "percent-encoded",
      path: segs.slice(0, -1).join("/") + "/" + enc + last.slice(1),
    });
  }
  out.push({ name: "percent-encoded-api", path: path.replace("/api/", "/%61pi/") });
  out.push({ name: "encoded-slash", path: path.replace("/api/v1/", "/api/v1%2F") });
  return out;
}

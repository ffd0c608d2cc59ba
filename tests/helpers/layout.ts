// What a staff member would call a broken layout, measured in the page: anything wider than
// the viewport or sticking out of its card, a box that scrolls sideways, and a select too
// narrow for its longest option (issue 15 item 8). Returns one line per problem.
import type { Page } from "playwright-core";

// The part of the DOM the check reads: the tests compile without the DOM library (they run
// in Node), and this code runs in the page.
type Rect = { left: number; right: number; width: number };
type Style = {
  overflowX: string;
  paddingLeft: string;
  paddingRight: string;
  fontStyle: string;
  fontWeight: string;
  fontSize: string;
  fontFamily: string;
};
type Elem = {
  tagName: string;
  id: string;
  className: unknown;
  scrollWidth: number;
  clientWidth: number;
  parentElement: Elem | null;
  classList: { contains(c: string): boolean };
  getAttribute(n: string): string | null;
  getBoundingClientRect(): Rect;
  closest(s: string): Elem | null;
};
type Select = Elem & {
  name: string;
  multiple: boolean;
  size: number;
  options: Iterable<Elem & { text: string }>;
};
type PageGlobals = {
  getComputedStyle(e: Elem): Style;
  document: {
    documentElement: Elem;
    querySelector(s: string): Elem | null;
    querySelectorAll<T extends Elem = Elem>(s: string): Iterable<T>;
    createElement(tag: "canvas"): {
      getContext(kind: "2d"): { font: string; measureText(t: string): { width: number } };
    };
  };
};

export async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const g = globalThis as unknown as PageGlobals;
    const doc = g.document;
    const out: string[] = [];
    const vw: number = doc.documentElement.clientWidth;
    if (doc.documentElement.scrollWidth > vw + 1)
      out.push(`the page scrolls sideways: ${doc.documentElement.scrollWidth} > ${vw}`);
    const name = (e: Elem) =>
      e.tagName.toLowerCase() +
      (e.id ? "#" + e.id : "") +
      (typeof e.className === "string" && e.className.trim()
        ? "." + e.className.trim().split(/\s+/).join(".")
        : "") +
      (e.getAttribute("data-label") ? `[${e.getAttribute("data-label")}]` : "");
    for (const e of doc.querySelectorAll("main *")) {
      const r = e.getBoundingClientRect();
      if (r.width <= 1 || r.left < -1000) continue; // screen-reader-only text
      const cs = g.getComputedStyle(e);
      let clipped = false;
      let card: Elem | null = null;
      for (let a = e.parentElement; a && a.tagName !== "MAIN"; a = a.parentElement) {
        const o = g.getComputedStyle(a).overflowX;
        // A cell that cuts its text with an ellipsis on purpose.
        if (o === "hidden" || o === "clip") clipped = true;
        if (!card && (a.classList.contains("card") || a.classList.contains("filters"))) card = a;
      }
      if (clipped) continue;
      if (["auto", "scroll"].includes(cs.overflowX) && e.scrollWidth > e.clientWidth + 1)
        out.push(`${name(e)} scrolls sideways: ${e.scrollWidth} > ${e.clientWidth}`);
      if (r.right > vw + 1)
        out.push(`${name(e)} past the viewport: ${Math.round(r.right)} > ${vw}`);
      if (card) {
        const c = card.getBoundingClientRect();
        if (r.right > c.right + 1 || r.left < c.left - 1)
          out.push(`${name(e)} outside its card ${name(card)}`);
      }
    }
    const ctx = doc.createElement("canvas").getContext("2d");
    for (const s of doc.querySelectorAll<Select>("main select")) {
      const r = s.getBoundingClientRect();
      if (r.width <= 1) continue;
      if (s.multiple || s.size > 1) {
        // A list box wraps its options: none may be cut.
        for (const o of s.options)
          if (o.scrollWidth > s.clientWidth + 1)
            out.push(`list ${s.id || s.name} cuts "${o.text}"`);
        continue;
      }
      const cs = g.getComputedStyle(s);
      ctx.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
      let longest = "";
      let w = 0;
      for (const o of s.options) {
        const m = ctx.measureText(o.text).width;
        if (m > w) [w, longest] = [m, o.text];
      }
      // The text, the padding and the arrow (about 1.25em).
      const need =
        w +
        parseFloat(cs.paddingLeft) +
        parseFloat(cs.paddingRight) +
        1.25 * parseFloat(cs.fontSize);
      // A text wider than the card itself: the select takes the card's whole width (a phone's
      // native picker shows the options in full).
      // Every console page has a <main>; a select outside any box is measured against it.
      const box = s.closest(".card, .filters, form") ?? doc.querySelector("main") ?? s;
      const bs = g.getComputedStyle(box);
      const room = box.clientWidth - parseFloat(bs.paddingLeft) - parseFloat(bs.paddingRight);
      if (need > s.clientWidth + 1 && r.width < room - 2)
        out.push(
          `select ${s.id || s.name} cuts "${longest}" (${Math.round(need)} > ${s.clientWidth})`,
        );
    }
    return [...new Set(out)];
  });
}

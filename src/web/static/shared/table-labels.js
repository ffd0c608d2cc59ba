// @ts-check
// At phone width every console table is drawn as one card per row (style.css), each cell
// led by its column's name: the cells carry that name as data-label, taken here from the
// table's own header so no page has to repeat it.

/** @param {ParentNode} root */
export function labelTables(root) {
  for (const table of root.querySelectorAll("table")) {
    const heads = [...table.querySelectorAll("thead th")].map((th) =>
      (th.textContent || "").trim(),
    );
    if (!heads.length) continue;
    for (const row of table.querySelectorAll("tbody tr")) {
      [...row.children].forEach((cell, i) => {
        if (!cell.hasAttribute("data-label") && heads[i]) cell.setAttribute("data-label", heads[i]);
      });
    }
  }
}

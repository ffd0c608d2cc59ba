// @ts-check
/* global queueMicrotask */
// A native file input shows the browser's own words ("Choose File", "No file chosen" in an
// English browser). Staff read Bahasa only: each file input of the console gets a
// "Pilih berkas" button and the chosen file's name beside it; the input itself stays in the
// page (its label, form and setInputFiles still reach it) but out of sight.
import { el } from "./ui.js";

/** @param {ParentNode} root */
export function bahasaFileInputs(root) {
  for (const node of root.querySelectorAll('input[type="file"]:not([data-bahasa])')) {
    const input = /** @type {HTMLInputElement} */ (node);
    input.setAttribute("data-bahasa", "");
    input.classList.add("file-native");
    input.tabIndex = -1;
    const none = "Belum ada berkas dipilih";
    const name = el("span", { class: "file-name", "aria-live": "polite" }, none);
    const label = input.id
      ? root.querySelector(`label[for="${input.id}"]`)?.textContent?.trim() || ""
      : "";
    const pick = el(
      "button",
      {
        type: "button",
        class: "file-pick",
        "aria-label": label ? `${label}: pilih berkas` : "Pilih berkas",
        onclick: () => input.click(),
      },
      "Pilih berkas",
    );
    const show = () => {
      const files = [...(input.files || [])].map((f) => f.name);
      name.textContent = files.length ? files.join(", ") : none;
    };
    input.addEventListener("change", show);
    // form.reset() empties the input without a change event.
    input.form?.addEventListener("reset", () => queueMicrotask(show));
    const row = el("div", { class: "file-row" }, pick, name);
    input.after(row);
  }
}

// @ts-check
// "Akun saya": every staff member changes their own password (the current one is asked
// again); the account's other sessions end.
import { api } from "../shared/api.js";
import {
  add,
  el,
  clear,
  field,
  notice,
  errorMessage,
  section,
  setFieldError,
  ROLE,
} from "../shared/ui.js";

/** @type {Record<string, string>} */
const FIELD_ID = { currentPassword: "a-lama", newPassword: "a-baru" };

/** @param {HTMLElement} main @param {import("../shared/types.js").PageContext} ctx */
export async function render(main, { user }) {
  const who = section(
    "Akun",
    el(
      "p",
      {},
      el("strong", {}, user.displayName || user.username),
      ` · ${user.username} · ${ROLE[user.role] || user.role}${user.bidang ? ` ${user.bidang}` : ""}`,
    ),
  );
  const box = section("Ganti kata sandi");
  /** @param {string} autocomplete */
  const input = (autocomplete) =>
    el("input", { type: "password", maxlength: 256, autocomplete, required: true });
  const current = input("current-password");
  const next = input("new-password");
  const again = input("new-password");
  const msg = el("div", { "aria-live": "polite" });
  const form = el(
    "form",
    { class: "grid-form", novalidate: true },
    field("a-lama", "Kata sandi saat ini", current),
    field(
      "a-baru",
      "Kata sandi baru",
      next,
      "minimal 10 karakter, bukan nama pengguna, bukan kata sandi yang umum",
    ),
    field("a-ulang", "Ulangi kata sandi baru", again),
    el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, "Simpan")),
    msg,
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clear(msg);
    for (const id of ["a-lama", "a-baru", "a-ulang"]) setFieldError(id, "");
    if (!current.value) return setFieldError("a-lama", "Wajib diisi.");
    if (next.value !== again.value)
      return setFieldError("a-ulang", "Tidak sama dengan kata sandi baru.");
    try {
      await api("POST", "/api/v1/auth/password", {
        currentPassword: current.value,
        newPassword: next.value,
      });
      form.reset();
      add(msg, notice("ok", "Kata sandi sudah diganti. Sesi lain akun ini telah diakhiri."));
    } catch (err) {
      const e = /** @type {import("../shared/api.js").ApiError} */ (err);
      const mine = (e.fields || []).filter((f) => FIELD_ID[f.field]);
      for (const f of mine) setFieldError(FIELD_ID[f.field], f.message);
      // The fields say where; the notice says what, without field names.
      add(msg, notice("error", mine.length ? e.message : errorMessage(e)));
    }
  });
  add(box, form);
  add(main, who, box);
}

// @ts-check
import { api, access } from "../shared/api.js";
import {
  add,
  el,
  clear,
  field,
  options,
  notice,
  errorMessage,
  unavailable,
  section,
  ROLE,
  BIDANG,
  fmtDate,
  dataTable,
} from "../shared/ui.js";

/** @param {HTMLElement} main @param {import("../shared/types.js").PageContext} ctx */
export async function render(main, { user, spec }) {
  const a = access(spec, user, "GET", "/api/v1/users");
  if (a !== "yes") {
    add(
      main,
      a === "missing"
        ? unavailable("Pengelolaan pengguna")
        : notice("error", "Halaman ini hanya untuk admin."),
    );
    return;
  }
  const listBox = section("Daftar pengguna");
  const msg = el("div", { "aria-live": "polite" });
  const table = el("div");
  add(listBox, msg, table);

  async function load() {
    clear(table);
    let rows;
    try {
      rows = (await api("GET", "/api/v1/users")).data;
      fillReset(rows);
    } catch (e) {
      add(table, notice("error", errorMessage(e)));
      return;
    }
    add(
      table,
      dataTable(
        { class: "small-table users" },
        ["Pengguna", "Peran", "Bidang", "E-mail kerja", "Aktif", "Dibuat", ""],
        rows.map((/** @type {import("../shared/types.js").StaffAccount} */ u) => {
          const role = el("select", { "aria-label": `Peran ${u.username}` }, options(ROLE));
          role.value = u.role;
          const bidang = el(
            "select",
            { "aria-label": `Bidang ${u.username}` },
            options(BIDANG, { empty: "–" }),
          );
          bidang.value = u.bidang || "";
          const email = el("input", {
            type: "email",
            maxlength: 254,
            value: u.email || "",
            "aria-label": `E-mail kerja ${u.username}`,
            autocomplete: "off",
          });
          const active = el("input", {
            type: "checkbox",
            checked: u.active,
            "aria-label": `${u.username} aktif`,
          });
          const save = el(
            "button",
            {
              type: "button",
              onclick: async () => {
                clear(msg);
                const body = {};
                if (role.value !== u.role) body.role = role.value;
                if ((bidang.value || null) !== u.bidang) body.bidang = bidang.value || null;
                if (active.checked !== u.active) body.active = active.checked;
                const mail = email.value.trim().toLowerCase() || null;
                if (mail !== (u.email || null)) body.email = mail;
                if (!Object.keys(body).length) {
                  add(msg, notice("ok", "Tidak ada perubahan."));
                  return;
                }
                try {
                  await api("PATCH", `/api/v1/users/${u.id}`, body);
                  add(msg, notice("ok", `Pengguna ${u.username} diperbarui.`));
                  load();
                } catch (e) {
                  add(msg, notice("error", errorMessage(e)));
                }
              },
            },
            "Simpan",
          );
          return el(
            "tr",
            { "data-username": u.username, class: u.active ? "" : "inactive" },
            el(
              "td",
              {},
              el("strong", {}, u.username),
              u.displayName ? el("div", { class: "muted" }, u.displayName) : null,
            ),
            el("td", {}, role),
            el("td", {}, bidang),
            el("td", {}, email),
            el("td", {}, active),
            el("td", {}, fmtDate(u.createdAt)),
            el("td", {}, save),
          );
        }),
      ),
    );
  }

  const addBox = section("Tambah pengguna");
  const username = el("input", { maxlength: 64, autocomplete: "off", required: true });
  const displayName = el("input", { maxlength: 120, autocomplete: "off" });
  const password = el("input", {
    type: "password",
    minlength: 10,
    maxlength: 256,
    autocomplete: "new-password",
    required: true,
  });
  const role = el("select", {}, options(ROLE));
  role.value = "front_office";
  const bidang = el("select", {}, options(BIDANG, { empty: "–" }));
  const newEmail = el("input", { type: "email", maxlength: 254, autocomplete: "off" });
  const addMsg = el("div", { "aria-live": "polite" });
  const form = el(
    "form",
    { class: "grid-form", novalidate: true },
    field("u-username", "Nama pengguna", username, "huruf kecil, angka, titik, garis bawah"),
    field("u-name", "Nama lengkap", displayName),
    field("u-password", "Kata sandi awal", password, "minimal 10 karakter"),
    field("u-role", "Peran", role),
    field("u-bidang", "Bidang (wajib untuk penelaah)", bidang),
    field("u-email", "E-mail kerja (untuk pemberitahuan tenggat)", newEmail),
    el("div", { class: "actions" }, el("button", { type: "submit", class: "primary" }, "Tambah")),
    addMsg,
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clear(addMsg);
    /** @type {Record<string, string>} */
    const body = { username: username.value.trim(), password: password.value, role: role.value };
    if (displayName.value.trim()) body.displayName = displayName.value.trim();
    if (bidang.value) body.bidang = bidang.value;
    if (newEmail.value.trim()) body.email = newEmail.value.trim();
    try {
      await api("POST", "/api/v1/users", body);
      add(addMsg, notice("ok", `Pengguna ${body.username} ditambahkan.`));
      form.reset();
      load();
    } catch (e) {
      add(addMsg, notice("error", errorMessage(e)));
    }
  });
  add(addBox, form);

  // An admin sets a new password for a staff member who forgot theirs; their sessions end.
  const resetBox = section("Atur ulang kata sandi");
  const who = el("select", { required: true });
  const fresh = el("input", {
    type: "password",
    minlength: 10,
    maxlength: 256,
    autocomplete: "new-password",
    required: true,
  });
  const resetMsg = el("div", { "aria-live": "polite" });
  // Whoever is locked out by failed logins (429 "coba lagi dalam …") is let in again at once.
  const unlockWho = el("select", { required: true });
  /** @param {import("../shared/types.js").StaffAccount[]} rows */
  function fillReset(rows) {
    for (const select of [who, unlockWho]) {
      const keep = select.value;
      clear(select);
      add(
        select,
        el("option", { value: "" }, "Pilih pengguna"),
        rows.map((/** @type {import("../shared/types.js").StaffAccount} */ u) =>
          el(
            "option",
            { value: u.id },
            u.displayName ? `${u.username} (${u.displayName})` : u.username,
          ),
        ),
      );
      select.value = keep;
    }
  }
  const resetForm = el(
    "form",
    { class: "grid-form", novalidate: true },
    field("r-user", "Pengguna", who),
    field(
      "r-password",
      "Kata sandi baru",
      fresh,
      "minimal 10 karakter; sampaikan langsung kepada pemiliknya",
    ),
    el("div", { class: "actions" }, el("button", { type: "submit" }, "Atur ulang")),
    resetMsg,
  );
  resetForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clear(resetMsg);
    if (!who.value) {
      add(resetMsg, notice("error", "Pilih pengguna yang kata sandinya diatur ulang."));
      return;
    }
    try {
      await api("PATCH", `/api/v1/users/${who.value}`, { password: fresh.value });
      add(resetMsg, notice("ok", "Kata sandi diatur ulang; sesi pengguna itu telah diakhiri."));
      resetForm.reset();
    } catch (e) {
      add(resetMsg, notice("error", errorMessage(e)));
    }
  });
  add(resetBox, resetForm);

  const unlockBox = section("Buka blokir masuk");
  const unlockMsg = el("div", { "aria-live": "polite", id: "unlock-msg" });
  const unlockForm = el(
    "form",
    { class: "grid-form", novalidate: true },
    field(
      "u-user",
      "Pengguna yang terblokir",
      unlockWho,
      "setelah beberapa kali salah kata sandi, masuk diperlambat; ini menghapus percobaan gagalnya",
    ),
    el("div", { class: "actions" }, el("button", { type: "submit" }, "Buka blokir")),
    unlockMsg,
  );
  unlockForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clear(unlockMsg);
    if (!unlockWho.value) {
      add(unlockMsg, notice("error", "Pilih pengguna yang blokirnya dibuka."));
      return;
    }
    const name = unlockWho.selectedOptions[0]?.textContent || "";
    try {
      /** @type {{ cleared: number }} */
      const r = await api("POST", `/api/v1/users/${unlockWho.value}/unlock`);
      add(
        unlockMsg,
        notice(
          "ok",
          r.cleared
            ? `Blokir masuk ${name} dibuka (${r.cleared} percobaan gagal dihapus); ia dapat masuk sekarang.`
            : `${name} tidak sedang terblokir.`,
        ),
      );
      unlockForm.reset();
    } catch (e) {
      add(unlockMsg, notice("error", errorMessage(e)));
    }
  });
  add(unlockBox, unlockForm);
  if (access(spec, user, "POST", "/api/v1/users/{id}/unlock") === "yes")
    add(main, listBox, addBox, resetBox, unlockBox);
  else add(main, listBox, addBox, resetBox);
  await load();
}

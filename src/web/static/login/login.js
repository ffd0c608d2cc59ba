// @ts-check
/* global window, document */
import { api } from "../shared/api.js";
import { add, el, field, notice, errorMessage } from "../shared/ui.js";
import { forgetDraft, pendingQueue, settleQueue } from "../intake/intake-extras.js";

/** @param {HTMLElement} main */
export async function render(main) {
  try {
    await api("GET", "/api/v1/auth/me", undefined, { allow401: true });
    window.location.assign("/");
    return;
  } catch {
    /* not logged in: show the form */
  }
  // No session: whatever draft the last one left (it may hold a NIK) goes (issue 15).
  forgetDraft();
  /** @type {HTMLElement} */ (document.getElementById("nav")).textContent = "";
  const msg = el("div", { id: "login-msg" });
  // Intakes queued offline by a session that ended: only their owner may send them.
  const pending = pendingQueue();
  const queueNote = pending
    ? notice(
        "warn",
        `${pending.count} aduan belum terkirim dan tersimpan di perangkat ini, dicatat oleh ${pending.username}. Masuk lagi sebagai ${pending.username} untuk mengirimnya. Jika pengguna lain masuk, aduan itu dihapus dari perangkat ini tanpa dikirim.`,
      )
    : null;
  if (queueNote) queueNote.setAttribute("data-queue-owner", pending ? pending.username : "");
  const user = el("input", {
    name: "username",
    autocomplete: "username",
    required: true,
    maxlength: 64,
  });
  const pass = el("input", {
    name: "password",
    type: "password",
    autocomplete: "current-password",
    required: true,
    maxlength: 256,
  });
  const button = el("button", { type: "submit", class: "primary" }, "Masuk");
  const form = el(
    "form",
    { class: "card narrow", novalidate: true },
    field("username", "Nama pengguna", user),
    field("password", "Kata sandi", pass),
    button,
    msg,
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    msg.textContent = "";
    if (!user.value.trim() || !pass.value) {
      add(msg, notice("error", "Isi nama pengguna dan kata sandi."));
      return;
    }
    button.disabled = true;
    try {
      const r = await api(
        "POST",
        "/api/v1/auth/login",
        { username: user.value.trim(), password: pass.value },
        { allow401: true },
      );
      window.sessionStorage.removeItem("aduan.spec");
      // The owner of a waiting queue goes to the intake page, which sends it; anyone else's
      // login drops it.
      window.location.assign(r && r.user && settleQueue(r.user) ? "/catat" : "/");
    } catch (e) {
      add(msg, notice("error", errorMessage(e)));
      pass.value = "";
      pass.focus();
    } finally {
      button.disabled = false;
    }
  });
  add(main, queueNote, form);
  user.focus();
}

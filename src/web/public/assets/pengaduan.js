// @ts-check
/* global document, window, fetch, FileReader, FormData, DOMParser */
// The complaint form of /pengaduan: sends JSON to POST /api/v1/public/complaints (the
// attachment as base64) and shows the tanda terima with the number and the token.

const form = /** @type {HTMLFormElement | null} */ (document.getElementById("form-aduan"));
const pesan = /** @type {HTMLElement} */ (document.getElementById("pesan"));
const hasil = /** @type {HTMLElement} */ (document.getElementById("hasil"));

/** @param {string} s */
const esc = (s) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );

/** @param {File} file @returns {Promise<string>} */
function base64(file) {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ""));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });
}

const LABELS = /** @type {Record<string, string>} */ ({
  "body.name": "Nama lengkap",
  "body.phone": "Nomor HP/WhatsApp",
  "body.desa": "Desa/kelurahan",
  "body.kecamatan": "Kecamatan",
  "body.text": "Isi pengaduan",
  "body.attachment": "Lampiran",
});
const IDS = /** @type {Record<string, string>} */ ({
  "body.name": "nama",
  "body.phone": "telepon",
  "body.kecamatan": "kecamatan",
  "body.desa": "desa",
  "body.text": "keperluan",
  "body.attachment": "lampiran",
});

/** @param {string} text @param {string | null} focusId */
function fail(text, focusId) {
  pesan.textContent = text;
  if (focusId) document.getElementById(focusId)?.focus();
}

/** @param {{ number: string, lookupToken: string }} r */
async function showReceipt(r) {
  const q = `nomor=${encodeURIComponent(r.number)}&token=${encodeURIComponent(r.lookupToken)}`;
  // The receipt's print view, rendered by the server (the same one the PDF carries).
  const res = await fetch(`/pengaduan/tanda-terima?${q}&format=html`);
  const html = res.ok ? await res.text() : "";
  const doc = new DOMParser().parseFromString(html, "text/html");
  const article = doc.querySelector("article.tanda-terima");
  hasil.innerHTML = `<h1 tabindex="-1">Pengaduan terkirim</h1>
<p>Nomor pengaduan Anda: <strong data-nomor>${esc(r.number)}</strong></p>
<p>Token pelacakan: <strong data-token class="token">${esc(r.lookupToken)}</strong></p>
<p>Simpan atau cetak tanda terima ini. Token hanya ditampilkan sekali.</p>
<p><a class="tombol" href="/pengaduan/tanda-terima?${q}" download="tanda-terima-${esc(r.number)}.pdf">Unduh tanda terima (PDF)</a>
<button type="button" class="tombol kedua" id="cetak">Cetak tanda terima</button>
<a class="tombol kedua" href="/pengaduan/status?${q}">Lihat status</a></p>`;
  if (article) hasil.append(document.importNode(article, true));
  hasil.hidden = false;
  form?.remove();
  document.getElementById("pengantar")?.remove();
  document.getElementById("cetak")?.addEventListener("click", () => window.print());
  /** @type {HTMLElement | null} */ (hasil.querySelector("h1"))?.focus();
}

form?.addEventListener("submit", async (ev) => {
  ev.preventDefault();
  pesan.textContent = "";
  const fd = new FormData(form);
  const get = (/** @type {string} */ k) => String(fd.get(k) ?? "").trim();
  for (const [field, id] of Object.entries(IDS)) {
    if (field === "body.attachment") continue;
    if (!get(field.slice(5))) return fail(`${LABELS[field]} wajib diisi.`, id);
  }
  if (get("text").length < 10) return fail("Isi pengaduan minimal 10 karakter.", "keperluan");
  /** @type {Record<string, unknown>} */
  const body = {
    name: get("name"),
    phone: get("phone"),
    desa: get("desa"),
    kecamatan: get("kecamatan"),
    text: get("text"),
    rahasia: fd.get("rahasia") === "on",
    website: get("website"),
  };
  const file = /** @type {HTMLInputElement} */ (document.getElementById("lampiran")).files?.[0];
  const button = /** @type {HTMLButtonElement} */ (form.querySelector("button[type=submit]"));
  button.disabled = true;
  button.textContent = "Mengirim…";
  try {
    if (file) {
      body.attachment = {
        fileName: file.name,
        mime: file.type || "application/octet-stream",
        contentBase64: await base64(file),
      };
    }
    const res = await fetch("/api/v1/public/complaints", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const out = await res.json().catch(() => null);
    if (res.status === 201 && out) return await showReceipt(out);
    const f = out?.fields?.[0];
    const field = f
      ? Object.keys(LABELS).find((k) => f.field === k || f.field.startsWith(`${k}.`))
      : undefined;
    if (res.status === 429)
      return fail(
        "Terlalu banyak pengaduan dari nomor atau jaringan ini. Silakan coba lagi nanti.",
        null,
      );
    if (res.status === 413) return fail("Lampiran terlalu besar.", "lampiran");
    if (field) return fail(`${LABELS[field]}: ${f.message}`, IDS[field] ?? null);
    fail(out?.message ?? "Pengaduan belum terkirim. Silakan coba lagi.", null);
  } catch {
    fail("Koneksi terputus. Pengaduan belum terkirim; silakan coba lagi.", null);
  } finally {
    button.disabled = false;
    button.textContent = "Kirim pengaduan";
  }
});

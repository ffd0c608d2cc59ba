import { api, access, operation } from "./api.js";
import {
  add,
  el,
  clear,
  notice,
  errorMessage,
  unavailable,
  section,
  fmtDateTime,
  CHANNEL,
} from "./ui.js";

// Credential problems as the office would say them; the code is kept for the technician.
const PROBLEM = {
  token_expired:
    "Token akses sudah kedaluwarsa. Minta admin memperbarui token di pengaturan kanal.",
  TOKEN_EXPIRED:
    "Token akses sudah kedaluwarsa. Minta admin memperbarui token di pengaturan kanal.",
  unauthorized: "Server kanal menolak kredensial hub (kata sandi/token salah atau dicabut).",
  UNAUTHORIZED: "Server kanal menolak kredensial hub (kata sandi/token salah atau dicabut).",
  forbidden: "Akun hub tidak punya izin yang diperlukan di kanal ini.",
  not_configured: "Kanal ini belum dikonfigurasi.",
};

function lagText(sec) {
  if (sec === null || sec === undefined) return "–";
  const s = Number(sec);
  if (s < 120) return `${Math.round(s)} detik`;
  if (s < 7200) return `${Math.round(s / 60)} menit`;
  return `${Math.round(s / 3600)} jam`;
}

export async function render(main, { user, spec }) {
  const hPath = "/api/v1/channels/health";
  const box = section("Status kanal");
  const a = access(spec, user, "GET", hPath);
  if (a === "missing") add(box, unavailable("Kesehatan kanal"));
  else if (a === "no")
    add(box, el("p", { class: "muted" }, "Peran Anda tidak dapat melihat kesehatan kanal."));
  else {
    try {
      const r = await api("GET", hPath);
      const items = Array.isArray(r) ? r : r.data || r.channels || [];
      add(
        box,
        el(
          "table",
          { class: "small-table" },
          el(
            "thead",
            {},
            el(
              "tr",
              {},
              [
                "Kanal",
                "Sinkron terakhir berhasil",
                "Keterlambatan",
                "Galat 24 jam",
                "Surat mati",
                "Masalah",
              ].map((h) => el("th", { scope: "col" }, h)),
            ),
          ),
          el(
            "tbody",
            {},
            items.map((c) => {
              const problem = c.credentialProblem || c.problem || c.lastError || null;
              const code = typeof problem === "object" && problem ? problem.code : problem;
              const text = typeof problem === "object" && problem ? problem.message : problem;
              return el(
                "tr",
                { "data-channel": c.channel || c.name },
                el("td", {}, CHANNEL[c.channel || c.name] || c.channel || c.name),
                el(
                  "td",
                  {},
                  fmtDateTime(c.lastSuccessAt || c.lastSuccessfulSyncAt || c.lastSyncAt),
                ),
                el("td", {}, lagText(c.lagSeconds ?? c.lag)),
                el("td", { class: "num" }, String(c.errors ?? c.errorCount ?? c.errors24h ?? 0)),
                el("td", { class: "num" }, String(c.deadLetters ?? c.deadLetterCount ?? 0)),
                el(
                  "td",
                  {},
                  problem
                    ? el("span", { class: "problem" }, PROBLEM[code] || text || String(code))
                    : "Baik",
                ),
              );
            }),
          ),
        ),
      );
    } catch (e) {
      add(box, notice("error", errorMessage(e)));
    }
  }

  const dl = section("Surat mati (pesan gagal diproses)");
  const dPath = "/api/v1/dead-letters";
  const replayPath = Object.keys(spec.paths || {}).find(
    (p) => p.startsWith("/api/v1/dead-letters/{") && p.endsWith("/replay"),
  );
  const d = access(spec, user, "GET", dPath);
  if (d === "missing") add(dl, unavailable("Daftar surat mati"));
  else if (d === "no")
    add(dl, el("p", { class: "muted" }, "Peran Anda tidak dapat melihat surat mati."));
  else {
    const msg = el("div", { "aria-live": "polite" });
    try {
      const r = await api("GET", dPath);
      const items = Array.isArray(r) ? r : r.data || [];
      const canReplay = replayPath && access(spec, user, "POST", replayPath) === "yes";
      add(
        dl,
        items.length
          ? el(
              "table",
              { class: "small-table" },
              el(
                "thead",
                {},
                el(
                  "tr",
                  {},
                  ["Waktu", "Kanal/sumber", "Alasan", "Percobaan", ""].map((h) =>
                    el("th", { scope: "col" }, h),
                  ),
                ),
              ),
              el(
                "tbody",
                {},
                items.map((x) =>
                  el(
                    "tr",
                    {},
                    el("td", {}, fmtDateTime(x.createdAt || x.at)),
                    el("td", {}, x.source || x.channel || x.kind || "–"),
                    el("td", {}, x.reason || x.error || "–"),
                    el("td", { class: "num" }, String(x.attempts ?? "–")),
                    el(
                      "td",
                      {},
                      canReplay && !x.replayedAt
                        ? el(
                            "button",
                            {
                              type: "button",
                              onclick: async (ev) => {
                                clear(msg);
                                ev.target.disabled = true;
                                try {
                                  await api(
                                    "POST",
                                    replayPath.replace(/\{[^}]+\}/, encodeURIComponent(x.id)),
                                    operation(spec, "POST", replayPath).requestBody
                                      ? {}
                                      : undefined,
                                  );
                                  ev.target.textContent = "Diproses ulang";
                                  add(msg, notice("ok", "Pesan dikirim ulang ke antrean."));
                                } catch (e) {
                                  ev.target.disabled = false;
                                  add(msg, notice("error", errorMessage(e)));
                                }
                              },
                            },
                            "Proses ulang",
                          )
                        : x.replayedAt
                          ? `Diproses ulang ${fmtDateTime(x.replayedAt)}`
                          : "",
                    ),
                  ),
                ),
              ),
            )
          : el("p", { class: "muted" }, "Tidak ada surat mati."),
        msg,
      );
    } catch (e) {
      add(dl, notice("error", errorMessage(e)));
    }
  }
  add(main, box, dl);
}

// The case timeline's event types with the words staff read for them (the console's
// "Riwayat" shows these, through GET /api/v1/catalogue/labels): one list, never a copy.
// Older names still found in stored timelines keep a label too.
export const CASE_EVENT_LABELS: Readonly<Record<string, string>> = {
  "case.created": "Aduan dicatat",
  "case.imported": "Diimpor dari catatan lama",
  "case.updated": "Data kasus diubah",
  "case.acknowledged": "Tanda terima dikirim",
  "case.media_set": "Media pengaduan dicatat",
  "import.review_resolved": "Catatan pemeriksaan impor diselesaikan",
  "lookup_token.reissued": "Token pelacakan baru diterbitkan",
  "status.changed": "Status diubah",
  "finding.recorded": "Hasil SIKS-NG dicatat",
  "finding.narasi_edited": "Narasi diubah",
  "attachment.stored": "Lampiran disimpan",
  "attachment.refused": "Lampiran ditolak",
  "attachment.failed": "Lampiran gagal disimpan",
  "message.received": "Pesan masuk",
  "message.sent": "Pesan terkirim",
  "reply.queued": "Balasan dijadwalkan untuk dikirim",
  "reply.sent": "Balasan dikirim",
  "sla.paused": "Tenggat dihentikan sementara",
  "sla.resumed": "Tenggat dilanjutkan",
  "telaah.recommended": "Hasil telaah dilaporkan",
  "audit.decided": "Keputusan Kepala Dinas",
  "lapor.status_changed": "Status di SP4N-LAPOR! berubah",
  "lapor.updated": "Data di SP4N-LAPOR! diperbarui",
  // Names of the first release, still in older timelines.
  created: "Aduan dicatat",
  updated: "Data kasus diubah",
  transition: "Status diubah",
  finding: "Hasil SIKS-NG dicatat",
  reply: "Balasan dikirim",
};

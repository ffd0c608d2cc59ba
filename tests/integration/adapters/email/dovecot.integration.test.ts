import { ImapFlow } from "imapflow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dovecotSkipReason, startDovecot, type DovecotServer } from "../../../helpers/dovecot.js";

const skipReason = await dovecotSkipReason();

function rawMail(id: string, subject: string, body: string): string {
  return [
    "From: Warga Uji <warga.uji@example.test>",
    "To: Pengaduan Dinsos Tabalong <pengaduan@dinsos.example.test>",
    `Subject: ${subject}`,
    `Message-ID: <${id}@example.test>`,
    "Date: Mon, 02 Feb 2026 09:15:00 +0800",
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    body,
    "",
  ].join("\r\n");
}

describe.skipIf(skipReason !== null)(
  `dovecot test helper${skipReason ? ` (skipped: ${skipReason})` : ""}`,
  () => {
    let server: DovecotServer;
    let client: ImapFlow;

    beforeAll(async () => {
      server = await startDovecot();
      client = new ImapFlow({
        host: server.host,
        port: server.port,
        secure: false,
        doSTARTTLS: false,
        auth: { user: server.user, pass: server.password },
        logger: false,
      });
    });

    afterAll(async () => {
      await client?.logout().catch(() => undefined);
      await server?.stop();
    });

    it("serves appended mail by UID without marking it read", async () => {
      const first = await server.append(
        "INBOX",
        rawMail("bpnt-1", "Saldo BPNT belum masuk", "Saldo BPNT kami belum masuk bulan ini."),
      );
      const second = await server.append(
        "INBOX",
        rawMail("kks-2", "KKS hilang", "Kartu KKS ibu saya hilang, mohon dibantu."),
      );
      expect(first.uid).toBe(1);
      expect(second.uid).toBe(2);
      expect(first.uidValidity).not.toBeNull();
      expect(second.uidValidity).toBe(first.uidValidity);

      await client.connect();
      const lock = await client.getMailboxLock("INBOX");
      try {
        const mailbox = client.mailbox;
        if (mailbox === false) throw new Error("INBOX not selected");
        expect(mailbox.uidValidity).toBe(first.uidValidity);
        expect(mailbox.exists).toBe(2);

        const fetched: {
          uid: number;
          subject: string | undefined;
          flags: string[];
          source: string;
        }[] = [];
        for await (const message of client.fetch(
          "1:*",
          { uid: true, envelope: true, flags: true, source: true },
          { uid: true },
        )) {
          fetched.push({
            uid: message.uid,
            subject: message.envelope?.subject,
            flags: [...(message.flags ?? [])],
            source: message.source?.toString("utf8") ?? "",
          });
        }
        expect(fetched.map((m) => m.uid)).toEqual([1, 2]);
        expect(fetched.map((m) => m.subject)).toEqual(["Saldo BPNT belum masuk", "KKS hilang"]);
        expect(fetched[0]?.source).toContain("Message-ID: <bpnt-1@example.test>");

        // imapflow fetches `source` with BODY.PEEK[]: reading must not set \Seen.
        const after: string[][] = [];
        for await (const message of client.fetch(
          "1:2",
          { uid: true, flags: true },
          { uid: true },
        )) {
          after.push([...(message.flags ?? [])]);
        }
        // \Recent may be present (first session to see them); \Seen must not.
        expect(after).toHaveLength(2);
        for (const flags of after) expect(flags).not.toContain("\\Seen");
        const status = await client.status("INBOX", { unseen: true, messages: true });
        expect(status).toMatchObject({ messages: 2, unseen: 2 });

        // Control: the same check does see \Seen once it is really set.
        await client.messageFlagsAdd("2", ["\\Seen"], { uid: true });
        const control = await client.fetchOne("2", { flags: true }, { uid: true });
        expect(control === false ? [] : [...(control.flags ?? [])]).toContain("\\Seen");
      } finally {
        lock.release();
      }
    });

    it("appends into another mailbox and keeps the given flags", async () => {
      const result = await server.append(
        "Arsip",
        rawMail("pkh-3", "PKH tidak cair", "Bantuan PKH tahap 1 belum cair."),
        ["\\Seen"],
      );
      expect(result.uid).toBe(1);
      const status = await client.status("Arsip", {
        messages: true,
        unseen: true,
        uidValidity: true,
      });
      expect(status).toMatchObject({ messages: 1, unseen: 0, uidValidity: result.uidValidity });
    });
  },
);

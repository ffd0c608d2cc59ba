// Regression (found by the hostile-HTTP property test): NUL inside a WhatsApp media object
// or reply context reached PostgreSQL text columns and failed the whole webhook.
import { expect, it } from "vitest";
import nock from "nock";
import { resetDb, startTestHub } from "../../helpers/test-hub.js";
import { inboundQueue } from "../../../src/services/inbound.service.js";
import { postSigned, WA_PHONE_ID, WA_SECRET, WA_VERIFY } from "./helpers.js";
it("a signed image message with NUL in its media fields and reply context is processed", async () => {
  const hub = await startTestHub({
    name: "channels-whatsapp-nul",
    env: {
      WHATSAPP_APP_SECRET: WA_SECRET,
      WHATSAPP_VERIFY_TOKEN: WA_VERIFY,
      WHATSAPP_ACCESS_TOKEN: "EAAG-x-123456",
      WHATSAPP_PHONE_NUMBER_ID: WA_PHONE_ID,
    },
  });
  await resetDb(hub);
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
  try {
    const msg = {
      from: "6281254224399",
      id: "wamid.NUL1",
      timestamp: String(Math.floor(Date.now() / 1000)),
      type: "image",
      image: {
        id: "12\u000034",
        mime_type: "image/\u0000jpeg",
        sha256: "a\u0000b",
        caption: "foto\u0000",
      },
      context: { id: "wamid.C\u0000" },
    };
    const body = JSON.stringify({
      object: "whatsapp_business_account",
      entry: [
        {
          id: "1",
          changes: [
            {
              field: "messages",
              value: {
                messaging_product: "whatsapp",
                metadata: { display_phone_number: "1", phone_number_id: WA_PHONE_ID },
                messages: [msg],
              },
            },
          ],
        },
      ],
    });
    const r = await postSigned(`${hub.url}/webhooks/whatsapp`, body, WA_SECRET);
    expect(r.status).toBe(200);
    await inboundQueue.idle();
    const rows = await hub.ctx.db.prisma.rawMessage.findMany({
      select: { status: true, error: true },
    });
    expect(rows).toEqual([{ status: "processed", error: null }]);
  } finally {
    nock.cleanAll();
    nock.enableNetConnect();
    await hub.close();
  }
});

// A signed WhatsApp Cloud API webhook carrying one text message, as Meta sends it.
import { computeMetaSignature } from "../../adapters/meta/meta.signature.js";

export function signedWhatsAppText(
  input: { from: string; wamid: string; text: string },
  secret: string,
): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify({
    object: "whatsapp_business_account",
    entry: [
      {
        id: "102290129340398",
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "6282150000000", phone_number_id: "1234567890" },
              contacts: [{ wa_id: input.from, profile: { name: "Warga Bench" } }],
              messages: [
                {
                  from: input.from,
                  id: input.wamid,
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  type: "text",
                  text: { body: input.text },
                },
              ],
            },
          },
        ],
      },
    ],
  });
  return {
    body,
    headers: {
      "content-type": "application/json",
      "x-hub-signature-256": computeMetaSignature(Buffer.from(body), secret),
    },
  };
}

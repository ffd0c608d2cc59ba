// What a case imported from the old monthly logs carries that other cases do not.
import { CHANNELS, type Channel } from "../roles.js";

/**
 * Flag of a case closed without a recorded completion time (the logs say "Selesai", never
 * when): the completion-time figures (table 3.4) count it as "tidak tercatat".
 */
export const CLOSED_AT_UNRECORDED = "closed_at_unrecorded";

/**
 * The media a complaint may have come through (table 3.2): the channels a citizen uses.
 * The internal import channel is not one; an imported row's medium is "tidak tercatat"
 * until staff record it.
 */
export const MEDIA = CHANNELS.filter((c) => c !== "legacy_import") as Exclude<
  Channel,
  "legacy_import"
>[];
export type Media = (typeof MEDIA)[number];

export function isMedia(value: string): value is Media {
  return (MEDIA as readonly string[]).includes(value);
}

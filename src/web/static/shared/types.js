// @ts-check
// The console's names for API payloads, taken from the generated API types
// (src/generated/api.ts, `npm run api:generate` from openapi/hub.yaml), never written by hand.
// Used in JSDoc only: `/** @typedef {import("../shared/types.js").Case} Case */`. Served as
// an (empty) module like every file under src/web/static; the browser never imports it.

/** @typedef {import("../../../generated/api.js").components["schemas"]} Schemas */
/** @typedef {import("../../../generated/api.js").operations} Operations */
/** @typedef {Schemas["User"]} User */
/** @typedef {Schemas["Labels"]} Labels */
/** @typedef {Schemas["JenisCatalogue"]} JenisCatalogue */
/** @typedef {Schemas["Case"]} Case */
/** @typedef {Schemas["CaseSummary"]} CaseSummary */
/** @typedef {Schemas["Party"]} Party */
/** @typedef {Schemas["CaseEvent"]} CaseEvent */
/** @typedef {Schemas["CaseIntake"]} CaseIntake */
/** @typedef {Schemas["PersonInput"]} PersonInput */
/** @typedef {Schemas["CaseCreated"]} CaseCreated */
/** @typedef {Schemas["AllowedTransitions"]} AllowedTransitions */
/** @typedef {Schemas["TransitionRequest"]} TransitionRequest */
/** @typedef {Schemas["Finding"]} Finding */
/** @typedef {Schemas["FindingInput"]} FindingInput */
/** @typedef {Schemas["FindingPreview"]} FindingPreview */
/** @typedef {Schemas["ReasonCode"]} ReasonCode */
/** @typedef {Schemas["ReasonCodeCatalogue"]} ReasonCodeCatalogue */
/** @typedef {Schemas["CaseMessage"]} CaseMessage */
/** @typedef {Schemas["AttachmentMeta"]} AttachmentMeta */
/** @typedef {Schemas["Attachment"]} Attachment */
/** @typedef {Schemas["RevealedValue"]} RevealedValue */
/** @typedef {Schemas["Dashboard"]} Dashboard */
/** @typedef {Schemas["DashboardItem"]} DashboardItem */
/** @typedef {Schemas["Error"]} ApiErrorBody */
/** @typedef {Schemas["PartyLink"]} PartyLink */
/** @typedef {Schemas["StaffAccount"]} StaffAccount */
/** @typedef {Schemas["ChannelHealth"]} ChannelHealth */
/** @typedef {Schemas["DeadLetter"]} DeadLetter */
/** @typedef {Schemas["RecapReceipt"]} RecapReceipt */
/** @typedef {Schemas["AnnualCounts"]} AnnualCounts */
/** @typedef {Schemas["CalendarYear"]} CalendarYear */
/** @typedef {Schemas["ImportRun"]} ImportRun */
/** @typedef {Schemas["ImportAnomaly"]} ImportAnomaly */
/** @typedef {Schemas["ImportedCase"]} ImportedCase */
/** @typedef {Schemas["Media"]} Media */
/** A page of the inbox (GET /api/v1/cases, with total and counts when asked). */
/** @typedef {Operations["listCases"]["responses"][200]["content"]["application/json"]} CasePage */
/** An open case of the same NIK or phone (POST /api/v1/console/open-cases). */
/** @typedef {Operations["findOpenCases"]["responses"][200]["content"]["application/json"]["data"][number]} OpenCase */

/**
 * The hub's own OpenAPI document as the console reads it (GET /api/v1/openapi.json): the
 * operations, their `x-roles` and request bodies. A JSON document, so loosely typed.
 * @typedef {{ paths: Record<string, Record<string, any>>, components: { schemas: Record<string, any> } }} Spec
 */

/**
 * Whether the caller may call an operation (shared/api.js access(), bound to the page's
 * spec and user): "missing" when this hub has no such endpoint.
 * @typedef {(method: string, path: string) => "yes" | "no" | "missing"} Can
 */

/**
 * What app.js hands each page's render().
 * @typedef {{ user: User, spec: Spec }} PageContext
 */

export {};

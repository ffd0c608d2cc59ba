// FINAL_STATUSES as a SQL list, for the hand-written queries that filter open cases
// (`status NOT IN ${FINAL_STATUSES_SQL}`). The values are fixed identifiers from
// src/domain, never input, so inlining them is safe and keeps each query's text unchanged.
import { FINAL_STATUSES } from "../domain/workflow.js";

export const FINAL_STATUSES_SQL = `(${FINAL_STATUSES.map((s) => `'${s}'`).join(", ")})`;

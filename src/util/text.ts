// Moved to src/domain/text.ts (adapters may import src/domain only); kept for src callers.
export * from "../domain/text.js";

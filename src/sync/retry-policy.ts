// Moved to src/domain/retry-policy.ts (adapters' HTTP clients share it); kept for src callers.
export * from "../domain/retry-policy.js";

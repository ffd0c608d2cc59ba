// One named operation of an adapter client under its retry policy, reporting each
// failed attempt to the client's onRetry with the operation's name.
import {
  withRetry,
  type AttemptInfo,
  type RetryClass,
  type RetryPolicy,
} from "../../src/domain/retry-policy.js";

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface RetryHooks<Op extends string> {
  readonly classify: (error: unknown) => RetryClass;
  readonly onRetry?: ((event: AttemptInfo & { readonly operation: Op }) => void) | undefined;
  readonly sleep?: Sleep | undefined;
}

export function retryOperation<Op extends string, T>(
  operation: Op,
  policy: RetryPolicy,
  hooks: RetryHooks<Op>,
  fn: () => Promise<T>,
): Promise<T> {
  return withRetry(fn, policy, {
    classify: hooks.classify,
    onAttempt: (info) => hooks.onRetry?.({ ...info, operation }),
    ...(hooks.sleep ? { sleep: hooks.sleep } : {}),
  });
}

// What the WhatsApp Cloud API client and the Messenger/Instagram client share: the
// authenticated HTTP instance, retries with the client's own error family, request
// failures and non-2xx answers turned into that family's typed errors.
import type { AxiosInstance, AxiosResponse } from "axios";
import { withRetry, type AttemptInfo, type RetryPolicy } from "../../src/sync/retry-policy.js";
import { GRAPH_SEND_RETRY_POLICY, createGraphHttp, retryAfterOf } from "./graph.js";
import type { GraphErrorFamily } from "./graph-errors.js";
import { responseText } from "./http.js";

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface GraphClientSetup<Op extends string> {
  readonly token: string;
  readonly graphVersion: string;
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly userAgent: string;
  /** Default: no retry of sends (a lost answer would deliver the reply twice). */
  readonly sendRetryPolicy?: RetryPolicy | undefined;
  readonly onRetry?: ((event: AttemptInfo & { readonly operation: Op }) => void) | undefined;
  readonly sleep?: Sleep | undefined;
}

export abstract class GraphClient<Op extends string> {
  protected readonly http: AxiosInstance;
  protected readonly sendRetryPolicy: RetryPolicy;
  private readonly onRetry: GraphClientSetup<Op>["onRetry"];
  private readonly sleep: Sleep | undefined;
  readonly graphVersion: string;
  readonly baseUrl: string;

  protected constructor(
    setup: GraphClientSetup<Op>,
    private readonly errors: GraphErrorFamily,
  ) {
    this.graphVersion = setup.graphVersion;
    this.baseUrl = setup.baseUrl.replace(/\/+$/, "");
    this.sendRetryPolicy = setup.sendRetryPolicy ?? GRAPH_SEND_RETRY_POLICY;
    this.onRetry = setup.onRetry;
    this.sleep = setup.sleep;
    this.http = createGraphHttp({
      baseUrl: this.baseUrl,
      token: setup.token,
      timeoutMs: setup.timeoutMs,
      userAgent: setup.userAgent,
    });
  }

  protected retrying<T>(operation: Op, policy: RetryPolicy, fn: () => Promise<T>): Promise<T> {
    return withRetry(fn, policy, {
      classify: this.errors.classify,
      onAttempt: (info) => this.onRetry?.({ ...info, operation }),
      ...(this.sleep ? { sleep: this.sleep } : {}),
    });
  }

  protected async send(
    config: Parameters<AxiosInstance["request"]>[0],
  ): Promise<AxiosResponse<unknown>> {
    try {
      return await this.http.request<unknown>(config);
    } catch (error) {
      throw this.errors.fromRequestFailure(error);
    }
  }

  protected throwForStatus(response: AxiosResponse<unknown>): void {
    const { status } = response;
    if (status >= 200 && status < 300) return;
    throw this.errors.forStatus(status, responseText(response), retryAfterOf(response));
  }
}

// What the WhatsApp Cloud API client and the Messenger/Instagram client share: the
// authenticated HTTP instance, retries with the client's own error family, request
// failures and non-2xx answers turned into that family's typed errors.
import type { AxiosInstance, AxiosResponse } from "axios";
import type { AttemptInfo, RetryPolicy } from "../../src/domain/retry-policy.js";
import { GRAPH_SEND_RETRY_POLICY, createGraphHttp, retryAfterOf } from "./graph.js";
import type { GraphErrorFamily } from "./graph-errors.js";
import { responseText } from "./http.js";
import { retryOperation, type RetryHooks, type Sleep } from "./retry.js";

/** The validated connection settings of a Graph client. */
export interface GraphConnection {
  readonly token: string;
  readonly graphVersion: string;
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly userAgent: string;
}

/** Caller options every Graph client takes. */
export interface GraphClientHooks<Op extends string> {
  /** Default: no retry of sends (a lost answer would deliver the reply twice). */
  readonly sendRetryPolicy?: RetryPolicy | undefined;
  readonly onRetry?: ((event: AttemptInfo & { readonly operation: Op }) => void) | undefined;
  readonly sleep?: Sleep | undefined;
}

export abstract class GraphClient<Op extends string> {
  protected readonly http: AxiosInstance;
  protected readonly sendRetryPolicy: RetryPolicy;
  private readonly hooks: RetryHooks<Op>;
  readonly graphVersion: string;
  readonly baseUrl: string;

  protected constructor(
    connection: GraphConnection,
    options: GraphClientHooks<Op>,
    private readonly errors: GraphErrorFamily,
  ) {
    this.graphVersion = connection.graphVersion;
    this.baseUrl = connection.baseUrl.replace(/\/+$/, "");
    this.sendRetryPolicy = options.sendRetryPolicy ?? GRAPH_SEND_RETRY_POLICY;
    this.hooks = { classify: errors.classify, onRetry: options.onRetry, sleep: options.sleep };
    this.http = createGraphHttp({ ...connection, baseUrl: this.baseUrl });
  }

  protected retrying<T>(operation: Op, policy: RetryPolicy, fn: () => Promise<T>): Promise<T> {
    return retryOperation(operation, policy, this.hooks, fn);
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

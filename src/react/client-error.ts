import { defaultPaywallLabels, type PaywallLabels } from "./labels.js";

/** Which of the app's routes failed. */
export type ClientRoute = "status" | "checkout" | "portal";

/**
 * How it failed: `network` (fetch rejected), `api` (a 4xx/5xx answer), `invalid-response` (a 2xx
 * whose body is not what the route promises: no status, no `url`, or a `url` the client refuses to follow).
 */
export type ClientErrorKind = "network" | "api" | "invalid-response";

const MESSAGE_KEYS = {
  status: { network: "statusNetworkError", other: "statusError" },
  checkout: { network: "checkoutNetworkError", other: "checkoutError" },
  portal: { network: "portalNetworkError", other: "portalError" },
} as const satisfies Record<ClientRoute, Record<"network" | "other", keyof PaywallLabels>>;

/**
 * A failure of one of the app's routes, as the client components and hooks report it (`error`,
 * `onError`). `message` is the default text shown for it; `status`, `code` and `requestId` come from
 * the route's answer when there was one (quote `requestId` when you look for the server's log line).
 */
export class TollgateClientError extends Error {
  override readonly name = "TollgateClientError";
  /** The HTTP status, when the route answered. */
  readonly status: number | undefined;
  /** The error body's `code` (e.g. `RATE_LIMITED`), when the route sent one. */
  readonly code: string | undefined;
  /** The error body's `requestId` (or the `x-request-id` header), when the route sent one. */
  readonly requestId: string | undefined;

  constructor(
    readonly route: ClientRoute,
    readonly kind: ClientErrorKind,
    info: { status?: number; code?: string; requestId?: string; cause?: unknown } = {},
  ) {
    super(defaultPaywallLabels[messageKey(route, kind)], info.cause === undefined ? undefined : { cause: info.cause });
    this.status = info.status;
    this.code = info.code;
    this.requestId = info.requestId;
  }
}

/** The label that shows this failure (so a translated text replaces the default message). */
export function messageKey(route: ClientRoute, kind: ClientErrorKind): keyof PaywallLabels {
  return MESSAGE_KEYS[route][kind === "network" ? "network" : "other"];
}

/** The text to show for an error under the given labels. */
export function errorText(error: TollgateClientError, labels: PaywallLabels): string {
  return labels[messageKey(error.route, error.kind)];
}

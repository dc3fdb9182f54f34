import { type ClientRoute, TollgateClientError } from "./client-error.js";

/** A route's answer: its status, headers and JSON body (`undefined` when the body is not JSON). */
export interface RouteAnswer {
  ok: boolean;
  status: number;
  headers: Headers;
  body: unknown;
}

/** Sends one request to the app's own route; rejects only when fetch does (network) or on abort. */
export async function callRoute(url: string, init: RequestInit): Promise<RouteAnswer> {
  const response = await fetch(url, {
    credentials: "same-origin",
    cache: "no-store",
    ...init,
    headers: { accept: "application/json", ...(init.headers as Record<string, string> | undefined) },
  });
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  return { ok: response.ok, status: response.status, headers: response.headers, body };
}

/** The error body's `code`, when the answer is a tollgate error body. */
export function errorCode(answer: RouteAnswer): string | undefined {
  const body = answer.body as { code?: unknown } | undefined;
  return typeof body?.code === "string" ? body.code : undefined;
}

/** A TollgateClientError for an answer that is not what the route promises. */
export function answerError(route: ClientRoute, answer: RouteAnswer): TollgateClientError {
  const body = answer.body as { requestId?: unknown } | undefined;
  const requestId =
    typeof body?.requestId === "string" ? body.requestId : (answer.headers.get("x-request-id") ?? undefined);
  return new TollgateClientError(route, answer.ok ? "invalid-response" : "api", {
    status: answer.status,
    code: errorCode(answer),
    requestId,
  });
}

/** A TollgateClientError for a fetch that rejected. */
export function networkError(route: ClientRoute, cause: unknown): TollgateClientError {
  return new TollgateClientError(route, "network", { cause });
}

/**
 * Adds query parameters to a route URL, skipping empty ones, and otherwise leaves it as given
 * (relative URLs stay relative: `fetch` resolves them against the page).
 */
export function withQuery(url: string, query: Record<string, string | null | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value) params.set(name, value);
  }
  const added = params.toString();
  if (added === "") return url;
  const hash = url.indexOf("#");
  const base = hash === -1 ? url : url.slice(0, hash);
  const separator = !base.includes("?") ? "?" : base.endsWith("?") || base.endsWith("&") ? "" : "&";
  return `${base}${separator}${added}`;
}

/** The page's URL, or `undefined` outside a browser (server rendering never sends requests). */
export function currentHref(): string | undefined {
  if (typeof window === "undefined") return undefined;
  const href = window.location?.href;
  return typeof href === "string" && href !== ""
    ? href
    : typeof document === "undefined"
      ? undefined
      : document.baseURI;
}

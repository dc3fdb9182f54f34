import { type RouteContext, responseHeadersOf } from "./context.js";
import { DeferredResponse } from "./deferred-response.js";
import { toTollgateError } from "./errors.js";
import { reportError } from "./report-error.js";

/** True for a `Response` (or a look-alike from another realm or polyfill): what every layer must resolve to. */
export function isResponse(value: unknown): value is Response {
  return (
    value instanceof Response ||
    (typeof value === "object" &&
      value !== null &&
      typeof (value as Response).status === "number" &&
      "headers" in value)
  );
}

/** A JSON response. */
export function json(body: unknown, status = 200, headers?: HeadersInit): Response {
  const init =
    headers === undefined
      ? JSON_HEADERS
      : { "content-type": "application/json", ...Object.fromEntries(new Headers(headers)) };
  const text = JSON.stringify(body);
  const response = new Response(text, { status, headers: init });
  texts.set(response, text);
  return response;
}

const JSON_HEADERS = { "content-type": "application/json" };

// The text of each JSON response, so the Node adapter can write it without draining the body stream.
const texts = new WeakMap<Response, string>();

/** The body text of a response made by `json()` whose body has not been read, else undefined. */
export function jsonTextOf(response: Response): string | undefined {
  return response.bodyUsed ? undefined : texts.get(response);
}

/**
 * tollgate's own JSON answers: a `DeferredResponse` that passes for a `Response` and becomes one
 * only when something needs it (a Web handler's caller, or a layer reading its body). `json()`,
 * public, always builds the `Response`.
 */
export function answer(body: unknown, status = 200): Response {
  return new DeferredResponse(JSON.stringify(body), status, {
    "content-type": "application/json",
  }) as unknown as Response;
}

const RECEIVED = JSON.stringify({ received: true });

/** A webhook's acknowledgement, `{ "received": true }` (the text is built once). */
export function received(): Response {
  return new DeferredResponse(RECEIVED, 200, { "content-type": "application/json" }) as unknown as Response;
}

/** The Web `Response` to hand a Web caller: a deferred answer is built here, once. */
export function toWebResponse(response: Response): Response {
  return response instanceof DeferredResponse ? response.toResponse() : response;
}

/**
 * Turns anything thrown into the contract's JSON error body. The cause of a 5xx goes to the route's
 * `onError` (else one console line with the request id); nothing but the code's safe message ever
 * reaches the client.
 */
export function errorResponse(ctx: RouteContext, error: unknown): Response {
  const failure = toTollgateError(error);
  if (failure.status >= 500) reportError(ctx, failure.cause !== undefined ? failure.cause : failure, failure.code);
  const body: Record<string, unknown> = { error: failure.message, code: failure.code, requestId: ctx.requestId };
  if (failure.code === "VALIDATION_ERROR" && failure.details) body.details = failure.details;
  return json(body, failure.status);
}

/** Adds the context's response headers and `x-request-id`, copying the response if its headers are immutable. */
export function finalizeResponse(ctx: RouteContext, response: Response): Response {
  let result = response;
  if (result instanceof DeferredResponse) {
    // No `Headers` built unless a layer left response headers (CORS, rate limit, allow).
    DeferredResponse.setHeader(result, "x-request-id", ctx.requestId);
  } else {
    try {
      result.headers.set("x-request-id", ctx.requestId);
    } catch {
      result = new Response(response.body, response);
      result.headers.set("x-request-id", ctx.requestId);
    }
  }
  responseHeadersOf(ctx)?.forEach((value, name) => {
    if (name === "vary") result.headers.append(name, value);
    else if (!result.headers.has(name)) result.headers.set(name, value);
  });
  return result;
}

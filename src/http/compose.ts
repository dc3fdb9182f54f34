import type { RouteName } from "./audit-entry.js";
import { BODY_SETTINGS, type BodySettings } from "./body.js";
import { type ContextOptions, createContext, type RequestSource, type RouteContext } from "./context.js";
import { assertErrorReporter, type ErrorReporter } from "./report-error.js";
import { errorResponse, finalizeResponse, isResponse, toWebResponse } from "./response.js";
import { resolveSourceIpOptions, type SourceIpOptions } from "./source-ip.js";

/** Calls the rest of the chain and resolves to its response. */
export type Next = () => Promise<Response>;

/**
 * One layer of a route: it may answer itself, or call `next()` and read or rewrite the response.
 * Throw a `TollgateError` to answer with an error.
 */
// biome-ignore lint/suspicious/noExplicitAny: a middleware list mixes layers with different state types
export type Middleware<S extends object = any> = (ctx: RouteContext<S>, next: Next) => Promise<Response>;

/** The innermost function of a route: it produces the response once every layer has passed. */
// biome-ignore lint/suspicious/noExplicitAny: see Middleware
export type Endpoint<S extends object = any> = (ctx: RouteContext<S>) => Response | Promise<Response>;

/** A Web-standard route handler: it never throws and never rejects. */
export type Handler = (request: Request) => Promise<Response>;

export interface ComposeOptions extends SourceIpOptions {
  /** Route name used in audit entries. @default "custom" */
  route?: RouteName;
  /**
   * Receives the cause of every 5xx answer with `{ requestId, route, code }`; when set, the library
   * writes nothing to the console for those failures (the audit sink aside).
   * @default one `console.error` line per failure
   */
  onError?: ErrorReporter;
}

/** Runs `middlewares` in order around `endpoint` for one context (the onion without the boundary). */
export function chain(
  middlewares: readonly Middleware[],
  endpoint: Endpoint,
): (ctx: RouteContext) => Promise<Response> {
  return function run(ctx) {
    let called = -1;
    // Not async: each layer's own promise is handed on as is, so a request does not pay an extra
    // promise and its microtask hops per layer. A synchronous throw still becomes a rejection.
    function dispatch(index: number): Promise<Response> {
      if (index <= called) return Promise.reject(new Error("next() called more than once"));
      called = index;
      const layer = middlewares[index];
      if (layer === undefined) return endpointResponse(endpoint, ctx);
      try {
        const result = layer(ctx, () => dispatch(index + 1));
        return result instanceof Promise ? result : Promise.resolve(result);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return dispatch(0);
  };
}

// A JavaScript endpoint that forgets to return must still become a 500 that the audit layer records.
function endpointResponse(endpoint: Endpoint, ctx: RouteContext): Promise<Response> {
  let result: Response | Promise<Response>;
  try {
    result = endpoint(ctx);
  } catch (error) {
    return Promise.reject(error);
  }
  return result instanceof Promise ? result.then(checkedResponse) : Promise.resolve(result).then(checkedResponse);
}

function checkedResponse(response: Response): Response {
  if (!isResponse(response)) throw new TypeError("tollgate: the endpoint did not return a Response");
  return response;
}

/**
 * Composes middlewares around an endpoint into a Web-standard handler. Each request gets a fresh
 * context with a request id; anything thrown becomes the contract's JSON error; every response
 * carries `x-request-id`.
 *
 * @example
 * const handler = compose(
 *   [audit(), allowMethods(["POST"]), bodyLimit(), stripeSignature({ secret }), timestampWindow()],
 *   () => Response.json({ received: true }),
 *   { route: "my-webhook" },
 * );
 */
export function compose(middlewares: readonly Middleware[], endpoint: Endpoint, options: ComposeOptions = {}): Handler {
  const run = chain(middlewares, endpoint);
  const route = options.route ?? "custom";
  const context = contextOptions(middlewares, options);
  async function serve(input: Request | RequestSource, web: boolean): Promise<Response> {
    const ctx = createContext(input, route, context);
    let response: Response;
    try {
      response = await run(ctx);
      if (!isResponse(response)) throw new TypeError("tollgate: a middleware did not return a Response");
    } catch (error) {
      response = errorResponse(ctx, error);
    }
    response = finalizeResponse(ctx, response);
    // A Web caller gets a Web `Response`; the Node adapter (routeCore) takes tollgate's answers as they are.
    return web ? toWebResponse(response) : response;
  }
  const handler: Handler = (request) => serve(request, true);
  Object.defineProperty(handler, ROUTE_CORE, { value: (source: RequestSource) => serve(source, false) });
  return handler;
}

const ROUTE_CORE = Symbol.for("tollgate.route-core");

// The body settings come from the route's `bodyLimit` layer, so that a body read through
// `ctx.request` before that layer runs (a rate-limit key, an auth resolver) is bounded the same way.
function contextOptions(middlewares: readonly Middleware[], options: ComposeOptions): ContextOptions {
  if (typeof options !== "object" || options === null)
    throw new TypeError("tollgate: compose options must be an object");
  const body = middlewares
    .map((layer) => (layer as Middleware & { [BODY_SETTINGS]?: BodySettings })[BODY_SETTINGS])
    .find((settings) => settings !== undefined);
  return Object.freeze({
    ...resolveSourceIpOptions(options),
    onError: assertErrorReporter(options.onError),
    maxBodyBytes: body?.maxBytes,
    bodyTimeoutMs: body?.timeoutMs,
  });
}

/**
 * The same route, fed from a non-Web source (the Node adapter), so the hot path need not build a
 * `Request`. Undefined for handlers not made by `compose`.
 */
export function routeCore(handler: Handler): ((source: RequestSource) => Promise<Response>) | undefined {
  return (handler as Handler & { [ROUTE_CORE]?: (source: RequestSource) => Promise<Response> })[ROUTE_CORE];
}

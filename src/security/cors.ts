import type { Middleware } from "../http/compose.js";

export interface CorsOptions {
  /** Exact origins (`https://app.example.com`) allowed to call the route from a browser. No wildcards. */
  origins: string[];
  /** Methods announced in a preflight answer. @default the route's methods */
  methods?: string[];
  /** Request headers announced in a preflight answer. @default ["content-type", "authorization"] */
  headers?: string[];
  /** How long, in seconds, a browser may cache a preflight answer. @default 600 */
  maxAgeSeconds?: number;
  /** Whether the browser may send cookies. @default false */
  credentials?: boolean;
}

/**
 * Answers `OPTIONS` preflights for the listed origins (204 with `Access-Control-Allow-*`), and adds
 * `Access-Control-Allow-Origin` and `Vary: Origin` to responses for them. Other origins get no
 * allow headers, so the browser blocks them. Place it before `allowMethods`.
 *
 * @example
 * cors({ origins: ["https://app.example.com"] })
 */
export function cors(options: CorsOptions, routeMethods: readonly string[] = ["POST"]): Middleware {
  if (!Array.isArray(options?.origins) || !options.origins.every((o) => typeof o === "string")) {
    throw new TypeError("tollgate: cors.origins must be an array of origin strings");
  }
  const origins = new Set(options.origins.map((origin) => origin.replace(/\/$/, "")));
  const methods = [...new Set([...(options.methods ?? routeMethods), "OPTIONS"])].join(", ");
  const headers = (options.headers ?? ["content-type", "authorization"]).join(", ");
  const maxAge = String(options.maxAgeSeconds ?? 600);
  const credentials = options.credentials === true;
  return async function cors(ctx, next) {
    const origin = ctx.headers.get("origin");
    const allowed = origin !== null && origins.has(origin);
    if (allowed) {
      ctx.responseHeaders.set("access-control-allow-origin", origin);
      if (credentials) ctx.responseHeaders.set("access-control-allow-credentials", "true");
    }
    ctx.responseHeaders.append("vary", "Origin");
    if (ctx.method === "OPTIONS") {
      if (allowed) {
        ctx.responseHeaders.set("access-control-allow-methods", methods);
        ctx.responseHeaders.set("access-control-allow-headers", headers);
        ctx.responseHeaders.set("access-control-max-age", maxAge);
      }
      ctx.audit.outcome = "processed";
      return new Response(null, { status: 204 });
    }
    return next();
  };
}

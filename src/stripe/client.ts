import type Stripe from "stripe";
import type { Middleware } from "../http/compose.js";
import { isTollgateError, TollgateError } from "../http/errors.js";

/** How a route reaches the Stripe API. */
export interface StripeClientOptions {
  /**
   * A secret (`sk_…`) or restricted (`rk_…`) key. Absent or malformed → 500 `CONFIGURATION_ERROR`
   * per request (so `next build` works without env). The `stripe` package (an optional peer) is
   * loaded from your node_modules on first use, at run time and hidden from bundlers, so an app
   * without it still builds; if it cannot be loaded the request answers 500 `CONFIGURATION_ERROR`.
   * Edge runtimes cannot load modules at run time: there, pass `client` instead.
   */
  secretKey?: string;
  /**
   * A ready Stripe client (custom API version, host, HTTP client, or a test double). Wins over
   * `secretKey`. Required on edge runtimes for the routes that call Stripe.
   * @example
   * import Stripe from "stripe";
   * stripe: { client: new Stripe(process.env.STRIPE_SECRET_KEY!, { httpClient: Stripe.createFetchHttpClient() }) }
   */
  client?: Stripe;
}

const KEY_PATTERN = /^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/;

/** `"test"` or `"live"` for a well-formed key, else undefined. */
export function stripeMode(key: string | undefined): "test" | "live" | undefined {
  const match = typeof key === "string" ? KEY_PATTERN.exec(key) : null;
  return match ? (match[2] as "test" | "live") : undefined;
}

/** Checks option shapes at factory time. */
export function assertStripeClientOptions(options: StripeClientOptions, name: string): void {
  if (options.secretKey !== undefined && options.secretKey !== null && typeof options.secretKey !== "string") {
    throw new TypeError(`tollgate: ${name}.secretKey must be a string`);
  }
  if (options.client !== undefined && (typeof options.client !== "object" || options.client === null)) {
    throw new TypeError(`tollgate: ${name}.client must be a Stripe client`);
  }
}

/** Whether the route can call Stripe at all (a client, or a key present). */
export function canCallStripe(options: StripeClientOptions): boolean {
  return options.client !== undefined || (typeof options.secretKey === "string" && options.secretKey !== "");
}

/**
 * Returns a function that yields the Stripe client, creating it from `secretKey` on first use
 * through a dynamic import, so routes that never call Stripe never load the SDK.
 */
export function lazyStripeClient(options: StripeClientOptions): () => Promise<Stripe> {
  let client: Promise<Stripe> | undefined = options.client ? Promise.resolve(options.client) : undefined;
  return () => {
    if (client) return client;
    const key = options.secretKey;
    if (stripeMode(key) === undefined) {
      return Promise.reject(
        new TollgateError("CONFIGURATION_ERROR", { cause: new Error("Stripe secret key is missing or malformed") }),
      );
    }
    // Hidden from bundlers: `stripe` is an optional peer, and an app that never configures a secret key
    // (Clerk only, or a client of its own) must build without it installed. Loaded at run time instead,
    // from the app's node_modules. On edge runtimes, which cannot load a module at run time, pass
    // `stripe.client`.
    client = import(/* webpackIgnore: true */ /* turbopackIgnore: true */ /* @vite-ignore */ "stripe").then(
      (module) => {
        const StripeClass = ((module as { default?: unknown }).default ?? module) as typeof Stripe;
        return new StripeClass(key as string, { appInfo: { name: "tollgate" }, maxNetworkRetries: 2 });
      },
      (error: unknown) => {
        const hint = "install the stripe package, or pass stripe.client (required on edge runtimes)";
        throw new TollgateError("CONFIGURATION_ERROR", {
          cause: new Error(`stripe could not be loaded: ${hint}`, { cause: error }),
        });
      },
    );
    client.catch(() => {
      client = undefined;
    });
    return client;
  };
}

/**
 * Runs a Stripe API call. Any failure becomes 502 `UPSTREAM_ERROR`; Stripe's message is logged
 * with the request id, never returned.
 */
export async function callStripe<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isTollgateError(error)) throw error;
    throw new TollgateError("UPSTREAM_ERROR", { cause: new Error(`Stripe ${operation} failed`, { cause: error }) });
  }
}

/** Records whether the route runs on a test or a live key in each audit entry (405s included). */
export function reportStripeMode(mode: "test" | "live"): Middleware {
  return function reportStripeMode(ctx, next) {
    ctx.audit.stripeMode = mode;
    return next();
  };
}

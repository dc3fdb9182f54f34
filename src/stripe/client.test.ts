import Stripe from "stripe";
import { afterEach, describe, expect, it, vi } from "vitest";
import { isTollgateError } from "../http/errors.js";

async function load() {
  return import("./client.js");
}

async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  return isTollgateError(error) ? { code: error.code, cause: (error.cause as Error | undefined)?.message } : error;
}

describe("lazyStripeClient", () => {
  afterEach(() => {
    vi.doUnmock("stripe");
    vi.resetModules();
  });

  it("creates one client from the secret key on first use, and no other", async () => {
    const { lazyStripeClient } = await load();
    const client = lazyStripeClient({ secretKey: "sk_test_lazy" });
    const first = await client();
    expect(first).toBeInstanceOf(Stripe);
    expect(await client()).toBe(first);
  });

  it("hands back an injected client without loading the SDK", async () => {
    vi.doMock("stripe", () => {
      throw new Error("the SDK must not be loaded");
    });
    const { lazyStripeClient } = await load();
    const injected = { injected: true } as unknown as Stripe;
    expect(await lazyStripeClient({ client: injected })()).toBe(injected);
  });

  it.each([
    ["no key", undefined],
    ["an empty key", ""],
    ["a publishable key", "pk_test_123"],
  ])("%s → CONFIGURATION_ERROR, before anything is loaded", async (_case, secretKey) => {
    vi.doMock("stripe", () => {
      throw new Error("the SDK must not be loaded");
    });
    const { lazyStripeClient } = await load();
    expect(await failure(lazyStripeClient({ secretKey })())).toEqual({
      code: "CONFIGURATION_ERROR",
      cause: "Stripe secret key is missing or malformed",
    });
  });

  it("stripe not installed → CONFIGURATION_ERROR naming the fix; the next call tries again", async () => {
    vi.doMock("stripe", () => {
      throw new Error("Cannot find package 'stripe'");
    });
    const { lazyStripeClient } = await load();
    const client = lazyStripeClient({ secretKey: "sk_test_lazy" });
    expect(await failure(client())).toEqual({
      code: "CONFIGURATION_ERROR",
      cause:
        "stripe could not be loaded: install the stripe package, or pass stripe.client (required on edge runtimes)",
    });
    vi.doUnmock("stripe");
    expect(await client()).toBeInstanceOf(Stripe);
  });
});

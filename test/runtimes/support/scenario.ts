import { describe, expect, it } from "vitest";
import { clerkEvent, signStripePayload, signSvixPayload, stripeEvent } from "../../../src/testing.js";
import type { RouteSecrets, RuntimeState } from "../fixtures/host.js";

/** The secrets every host in the matrix is started with. */
export const secrets: RouteSecrets = {
  stripeWebhookSecret: "whsec_runtime_matrix_stripe",
  clerkWebhookSecret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
};

/** Sends one request to the host under test (`path` is the route's path, e.g. `/stripe`). */
export type Send = (path: string, init: RequestInit) => Promise<Response>;

/** Sends to a server listening at `base` over HTTP. */
export const overHttp =
  (base: () => string): Send =>
  (path, init) =>
    fetch(new URL(path, base()), init);

interface Delivery {
  body: string;
  headers: Record<string, string>;
  id: string;
}

interface Provider {
  route: "stripe-webhook" | "clerk-webhook";
  /** A new event, signed. */
  deliver(): Promise<Delivery>;
  /** The same body with one value changed after signing. */
  tamper(body: string): string;
}

let sequence = 0;

const providers: Record<"stripe" | "clerk", Provider> = {
  stripe: {
    route: "stripe-webhook",
    async deliver() {
      const id = `sub_runtime_${++sequence}`;
      const event = stripeEvent("customer.subscription.updated", {
        id,
        object: "subscription",
        customer: "cus_demo",
        status: "active",
        cancel_at_period_end: false,
        items: {
          object: "list",
          data: [{ id: "si_1", price: { id: "price_basic" }, current_period_end: 1_900_000_000 }],
        },
      });
      const body = JSON.stringify(event);
      return { body, headers: await signStripePayload(body, secrets.stripeWebhookSecret), id };
    },
    tamper: (body) => body.replace('"active"', '"canceled"'),
  },
  clerk: {
    route: "clerk-webhook",
    async deliver() {
      const event = clerkEvent("user.created", { id: `user_runtime_${++sequence}` });
      const body = JSON.stringify(event);
      const id = `msg_runtime_${sequence}`;
      return { body, headers: await signSvixPayload(body, secrets.clerkWebhookSecret, { id }), id };
    },
    tamper: (body) => body.replace('"ada@example.com"', '"eve@example.com"'),
  },
};

async function expectError(response: Response, code: string): Promise<void> {
  expect(response.status).toBe(400);
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toEqual({ error: expect.any(String), code, requestId: expect.any(String) });
  expect(response.headers.get("x-request-id")).toBe(body.requestId);
}

/**
 * The webhook cases every runtime must pass, for both routes: a valid delivery is processed, the same
 * delivery again is a duplicate, a body changed after signing and a delivery without signature headers
 * are refused. With `state`, the host's `GET /state` must show one write per accepted event.
 */
export function webhookMatrix(
  send: () => Send,
  options: { paths?: { stripe: string; clerk: string }; state?: string } = {},
): void {
  const paths = options.paths ?? { stripe: "/stripe", clerk: "/clerk" };
  const processed = { stripe: [] as string[], clerk: [] as string[] };
  const post = (provider: "stripe" | "clerk", body: string, headers: Record<string, string>) =>
    send()(paths[provider], { method: "POST", body, headers: { "content-type": "application/json", ...headers } });

  describe.each(["stripe", "clerk"] as const)("%s webhook route", (name) => {
    const provider = providers[name];

    it("valid signature → 200 { received: true }", async () => {
      const delivery = await provider.deliver();
      const response = await post(name, delivery.body, delivery.headers);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ received: true });
      processed[name].push(delivery.id);
    });

    it("the same delivery again → 200 { received: true, duplicate: true }", async () => {
      const delivery = await provider.deliver();
      const first = await post(name, delivery.body, delivery.headers);
      expect(await first.json()).toEqual({ received: true });
      processed[name].push(delivery.id);
      const again = await post(name, delivery.body, delivery.headers);
      expect(again.status).toBe(200);
      expect(await again.json()).toEqual({ received: true, duplicate: true });
    });

    it("body changed after signing → 400 INVALID_SIGNATURE", async () => {
      const delivery = await provider.deliver();
      const tampered = provider.tamper(delivery.body);
      expect(tampered).not.toBe(delivery.body);
      await expectError(await post(name, tampered, delivery.headers), "INVALID_SIGNATURE");
    });

    it("no signature header → 400 MISSING_SIGNATURE", async () => {
      const delivery = await provider.deliver();
      await expectError(await post(name, delivery.body, {}), "MISSING_SIGNATURE");
    });
  });

  const statePath = options.state;
  if (statePath === undefined) return;
  it("the host saw one write per accepted event, and one audit entry per request", async () => {
    const response = await send()(statePath, { method: "GET" });
    const state = (await response.json()) as RuntimeState;
    expect(state.subscriptions.map((row) => row.id)).toEqual(processed.stripe);
    expect(state.subscriptions.every((row) => row.userId === "user_runtime" && row.status === "active")).toBe(true);
    expect(state.clerkDeliveries.map((delivery) => delivery.eventId)).toEqual(processed.clerk);
    for (const route of ["stripe-webhook", "clerk-webhook"]) {
      expect(state.audit.filter((entry) => entry.route === route)).toEqual([
        { route, outcome: "processed", status: 200 },
        { route, outcome: "processed", status: 200 },
        { route, outcome: "duplicate", status: 200 },
        { route, outcome: "rejected", reason: "INVALID_SIGNATURE", status: 400 },
        { route, outcome: "rejected", reason: "MISSING_SIGNATURE", status: 400 },
      ]);
    }
  });
}

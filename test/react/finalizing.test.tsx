// @vitest-environment jsdom
import { act, cleanup, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PaywallGate } from "../../src/react.js";
import { mountApp, quietConsole } from "./support/app.js";

const app = mountApp();
quietConsole();

// Only the gate's waits and the clock are fake; fetch, msw and the routes run for real.
const realSetTimeout = globalThis.setTimeout;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  window.history.replaceState(null, "", "/?session_id=cs_test_a1b2c3");
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

/** Waits (in real time, inside act) until `check` holds: the gate has sent, received and settled. */
async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + 5_000;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await act(() => new Promise<void>((resolve) => realSetTimeout(resolve, 5)));
  }
}
/** The gate is waiting for its next poll (one timer) after `n` requests. */
const polled = (n: number) => until(() => polls().length === n && vi.getTimerCount() === 1, `${n} polls`);
const polls = () => app.received("status");
const advance = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms));

function renderGate() {
  return render(
    <PaywallGate navigate={() => {}}>
      <p>Paid content</p>
    </PaywallGate>,
  );
}

describe("PaywallGate: finalizing on the page Stripe returns to", () => {
  it("asks with the session_id, hides the subscribe button, then shows the children when the webhook lands", async () => {
    renderGate();
    expect(screen.getByRole("status").textContent).toBe("Finalizing your subscription…");
    await polled(1);
    expect(polls()[0]?.url.searchParams.get("session_id")).toBe("cs_test_a1b2c3");
    const status = screen.getByRole("status");
    expect(status.dataset.tollgateState).toBe("finalizing");
    expect(status.getAttribute("aria-busy")).toBe("true");
    expect(screen.queryByRole("button")).toBeNull();

    await advance(1_000);
    await polled(2);
    await app.activate(); // the webhook lands late
    await advance(2_000);
    await until(() => screen.queryByText("Paid content") !== null, "the paid content");
    expect(polls()).toHaveLength(3);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("a webhook that never lands: at most 8 requests within 30 s, then the ordinary state", async () => {
    renderGate();
    await polled(1);
    for (const [index, wait] of [1_000, 2_000, 3_000, 4_000, 5_000, 5_000, 5_000].entries()) {
      expect(screen.queryByRole("button")).toBeNull();
      await advance(wait);
      await until(() => polls().length === index + 2, `poll ${index + 2}`);
    }
    await until(() => screen.queryByRole("button", { name: "Subscribe" }) !== null, "the subscribe button");
    await advance(120_000);
    const times = polls().map((poll) => poll.at);
    expect(times).toHaveLength(8);
    expect(times.at(-1)! - times[0]!).toBeLessThanOrEqual(30_000);
    expect(screen.queryByText("Paid content")).toBeNull();
  });

  it.each([
    // The route's real rate limit: one request per window, so the second poll (1 s in) waits out the rest.
    { windowSeconds: 10, retryAfter: 9 },
    { windowSeconds: 25, retryAfter: 24 },
  ])(
    "a 429 is 'not yet': Retry-After $retryAfter s is honoured before the next poll",
    async ({ windowSeconds, retryAfter }) => {
      app.configure({ status: { rateLimit: { limit: 1, windowMs: windowSeconds * 1000, key: () => "ada" } } });
      renderGate();
      await polled(1);
      await advance(1_000);
      await polled(2);
      expect(screen.getByRole("status").textContent).toBe("Finalizing your subscription…");
      await app.activate();
      await advance(retryAfter * 1000 - 1);
      expect(polls()).toHaveLength(2);
      await advance(1);
      await until(() => screen.queryByText("Paid content") !== null, "the paid content");
      expect(polls()).toHaveLength(3);
      expect(polls()[2]!.at - polls()[1]!.at).toBe(retryAfter * 1000);
    },
  );

  it("a Retry-After beyond the 30 s window gives up at once (fail closed: the error state)", async () => {
    const tooLate = { error: "x", code: "RATE_LIMITED", requestId: "r" };
    app.breakRoute("status", { status: 429, body: tooLate, headers: { "retry-after": "45" } });
    renderGate();
    await until(() => screen.queryByRole("alert") !== null, "the alert");
    await advance(60_000);
    expect(polls()).toHaveLength(1);
    expect(screen.queryByText("Paid content")).toBeNull();
  });

  it("an outage while finalizing ends in the error state with Retry (never the children)", async () => {
    app.breakRoute("status", "network");
    renderGate();
    await polled(1);
    for (const wait of [1_000, 2_000, 3_000, 4_000, 5_000, 5_000, 5_000]) await advance(wait);
    await until(() => screen.queryByRole("alert") !== null, "the alert");
    expect(screen.getByRole("alert").textContent).toBe("Unable to connect to subscription service");
    expect(polls()).toHaveLength(8);
    app.repair("status");
    await app.activate();
    act(() => screen.getByRole("button", { name: "Retry" }).click());
    await until(() => screen.queryByText("Paid content") !== null, "the paid content");
    expect(polls()[8]?.url.searchParams.has("session_id")).toBe(false);
  });

  it("unmounting while finalizing stops the polling and updates nothing", async () => {
    const { unmount } = renderGate();
    await polled(1);
    unmount();
    expect(vi.getTimerCount()).toBe(0);
    await advance(60_000);
    expect(polls()).toHaveLength(1);
  });
});

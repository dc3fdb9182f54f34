// @vitest-environment jsdom
import { act, cleanup, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { PaywallGate, type PaywallGateProps, type TollgateClientError } from "../../src/react.js";
import { CHECKOUT_URL, mountApp, ORIGIN, quietConsole } from "./support/app.js";

const app = mountApp();
const quiet = quietConsole();
afterEach(cleanup);

const NETWORK = "Unable to connect to checkout service";
const API = "Unable to start checkout. Please try again.";
const STATUS = "Unable to check your subscription. Please try again.";
const STATUS_NETWORK = "Unable to connect to subscription service";

function renderGate(props: Partial<PaywallGateProps> = {}) {
  const navigate = vi.fn<(url: string) => void>();
  const onError = vi.fn<(error: TollgateClientError) => void>();
  const view = render(
    <PaywallGate navigate={navigate} onError={onError} {...props}>
      <p>Paid content</p>
    </PaywallGate>,
  );
  return { ...view, navigate, onError, user: userEvent.setup() };
}

const paid = () => screen.queryByText("Paid content");
const subscribe = () => screen.findByRole("button", { name: "Subscribe" });

describe("PaywallGate: the status decides", () => {
  it("is loading (role=status, aria-busy) until the status route answers", async () => {
    const release = app.hold("status");
    renderGate();
    const loading = screen.getByRole("status");
    expect(loading).toHaveProperty("textContent", "Checking your subscription…");
    expect(loading.getAttribute("aria-busy")).toBe("true");
    expect(loading.dataset.tollgateState).toBe("loading");
    expect(paid()).toBeNull();
    release();
    await subscribe();
  });

  it.each([
    ["active", "allowed"],
    ["trialing", "allowed"],
    ["past_due", "denied"],
    ["canceled", "denied"],
    [null, "denied"],
  ])("a %s subscription → %s", async (status, state) => {
    if (status) await app.activate(status);
    renderGate();
    if (state === "allowed") {
      expect(await screen.findByText("Paid content")).toBeTruthy();
      expect(screen.queryByRole("button", { name: "Subscribe" })).toBeNull();
    } else {
      const button = await subscribe();
      expect(button.closest("[data-tollgate-state]")?.getAttribute("data-tollgate-state")).toBe("denied");
      expect(paid()).toBeNull();
    }
    expect(app.received("status")).toHaveLength(1);
  });

  it.each([
    ["the route is down (fetch rejects)", "network" as const, STATUS_NETWORK],
    ["a 500", { status: 500, body: { error: "x", code: "INTERNAL_ERROR", requestId: "r1" } }, STATUS],
    ["a 401 (signed out)", { status: 401, body: { error: "x", code: "UNAUTHORIZED", requestId: "r2" } }, STATUS],
    ["a 200 that is not JSON", { status: 200, body: "<html>" }, STATUS],
    ["a 200 without a boolean hasAccess", { status: 200, body: { hasAccess: "yes", status: "active" } }, STATUS],
  ])("fails closed when the status route fails: %s", async (_name, how, message) => {
    await app.activate();
    app.breakRoute("status", how);
    const { onError } = renderGate();
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toBe(message);
    expect(paid()).toBeNull();
    expect(document.activeElement).toBe(alert);
    expect(screen.getByRole("button", { name: "Retry" })).toBeTruthy();
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ route: "status" });
  });

  it("Retry asks the status again and shows what it says", async () => {
    await app.activate();
    app.breakRoute("status", "network");
    const { user } = renderGate();
    await screen.findByRole("alert");
    app.repair("status");
    await user.click(screen.getByRole("button", { name: "Retry" }));
    expect(await screen.findByText("Paid content")).toBeTruthy();
    expect(screen.queryByRole("alert")).toBeNull();
    expect(app.received("status")).toHaveLength(2);
  });

  it("sends the email to a route without auth, in the query", async () => {
    app.configure({ status: { auth: undefined, rateLimit: false } });
    renderGate({ email: "ada@example.com" });
    await subscribe();
    expect(app.received("status")[0]?.url.searchParams.get("email")).toBe("ada@example.com");
  });
});

describe("PaywallGate: checkout", () => {
  it("POSTs the checkout route once and follows the https URL it answers", async () => {
    const { navigate, user } = renderGate({ callbackUrl: "/reports" });
    await user.click(await subscribe());
    await waitFor(() => expect(navigate).toHaveBeenCalledTimes(1));
    expect(navigate.mock.calls[0]?.[0]).toMatch(CHECKOUT_URL);
    const [request] = app.received("checkout");
    expect(JSON.parse(request?.body ?? "")).toEqual({ callbackUrl: "/reports" });
    // Still pending: the page is being left and nobody should pay twice.
    const button = screen.getByRole("button", { name: "Opening checkout…" });
    expect(button.getAttribute("aria-busy")).toBe("true");
    expect(button.getAttribute("aria-disabled")).toBe("true");
  });

  it("a double click sends one request", async () => {
    const release = app.hold("checkout");
    const { navigate, user } = renderGate();
    const button = await subscribe();
    await user.dblClick(button);
    await user.click(button);
    expect(screen.getByRole("button", { name: "Opening checkout…" }).getAttribute("aria-busy")).toBe("true");
    release();
    await waitFor(() => expect(navigate).toHaveBeenCalledTimes(1));
    expect(app.received("checkout")).toHaveLength(1);
  });

  it.each([
    ["fetch rejects", "network" as const, NETWORK, "network"],
    ["a 500", { status: 500, body: { error: "x", code: "INTERNAL_ERROR", requestId: "r" } }, API, "api"],
    ["a 502", { status: 502, body: { error: "x", code: "UPSTREAM_ERROR", requestId: "r" } }, API, "api"],
    ["a 400", { status: 400, body: { error: "x", code: "VALIDATION_ERROR", requestId: "r" } }, API, "api"],
    ["a 429", { status: 429, body: { error: "x", code: "RATE_LIMITED", requestId: "r" } }, API, "api"],
    ["a 200 without a url", { status: 200, body: {} }, API, "invalid-response"],
    ["a 200 that is not JSON", { status: 200, body: "ok" }, API, "invalid-response"],
    ["a javascript: url", { status: 200, body: { url: "javascript:alert(1)" } }, API, "invalid-response"],
    ["a data: url", { status: 200, body: { url: "data:text/html,<b>x</b>" } }, API, "invalid-response"],
    ["an http: url elsewhere", { status: 200, body: { url: "http://checkout.example/pay" } }, API, "invalid-response"],
    ["a protocol-relative http url", { status: 200, body: { url: "//evil.example/pay" } }, API, "invalid-response"],
  ])("checkout failure %s → the contract's message, verbatim", async (_name, how, message, kind) => {
    app.breakRoute("checkout", how);
    const { navigate, onError, user } = renderGate();
    await user.click(await subscribe());
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toBe(message);
    expect(document.activeElement).toBe(alert);
    expect(alert.closest("[data-tollgate-state]")?.getAttribute("data-tollgate-state")).toBe("error");
    expect(paid()).toBeNull();
    expect(navigate).not.toHaveBeenCalled();
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ route: "checkout", kind, message });
  });

  it.each([
    ["an https URL", "https://checkout.stripe.com/c/pay/cs_test_x", true],
    ["a same-origin path", "/checkout/cs_test_x", true],
    ["a same-origin absolute URL", `${ORIGIN}/checkout/cs_test_x`, true],
    ["http on another port", "http://localhost:4000/checkout", false],
  ])("follows %s only when https or same-origin", async (_name, url, followed) => {
    app.breakRoute("checkout", { status: 200, body: { url } });
    const { navigate, user } = renderGate();
    await user.click(await subscribe());
    if (followed) await waitFor(() => expect(navigate).toHaveBeenCalledWith(url));
    else expect((await screen.findByRole("alert")).textContent).toBe(API);
  });

  it("the checkout route's real 500 (an adapter that throws) is the API error, and Retry repeats the POST", async () => {
    app.db.failNext("updateUser", new Error("database down"));
    const { navigate, user } = renderGate();
    await user.click(await subscribe());
    expect((await screen.findByRole("alert")).textContent).toBe(API);
    expect(quiet.serverLogs().join("\n")).toContain("INTERNAL_ERROR");
    await user.click(screen.getByRole("button", { name: "Retry" }));
    await waitFor(() => expect(navigate).toHaveBeenCalledTimes(1));
    expect(app.received("checkout")).toHaveLength(2);
    expect(app.received("status")).toHaveLength(1);
  });

  it("409 ALREADY_SUBSCRIBED (paid in another tab) refreshes the status instead of an error", async () => {
    const { navigate, onError, user } = renderGate();
    const button = await subscribe();
    await app.activate();
    await user.click(button);
    expect(await screen.findByText("Paid content")).toBeTruthy();
    expect(screen.queryByRole("alert")).toBeNull();
    expect(navigate).not.toHaveBeenCalled();
    expect(onError).not.toHaveBeenCalled();
    expect(app.received("status")).toHaveLength(2);
  });

  it("sends the email to a route without auth, in the JSON body", async () => {
    app.configure({ checkout: { auth: undefined, rateLimit: false } });
    const { navigate, user } = renderGate({ email: "ada@example.com" });
    await user.click(await subscribe());
    await waitFor(() => expect(navigate).toHaveBeenCalledTimes(1));
    expect(JSON.parse(app.received("checkout")[0]?.body ?? "")).toEqual({ email: "ada@example.com" });
  });

  it("a page restored from the back-forward cache makes the button usable again", async () => {
    const { user } = renderGate();
    await user.click(await subscribe());
    await screen.findByRole("button", { name: "Opening checkout…" });
    act(() => {
      window.dispatchEvent(new PageTransitionEvent("pageshow", { persisted: true }));
    });
    expect(screen.getByRole("button", { name: "Subscribe" }).getAttribute("aria-busy")).toBeNull();
  });
});

describe("PaywallGate: shape", () => {
  it("every text can be replaced", async () => {
    app.breakRoute("checkout", "network");
    const { user } = renderGate({
      labels: {
        denied: "Abonnez-vous.",
        subscribe: "S'abonner",
        checkoutNetworkError: "Pas de connexion",
        retry: "Réessayer",
      },
    });
    expect(await screen.findByText("Abonnez-vous.")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "S'abonner" }));
    expect((await screen.findByRole("alert")).textContent).toBe("Pas de connexion");
    expect(screen.getByRole("button", { name: "Réessayer" })).toBeTruthy();
  });

  it("a function fallback gets the checkout controls", async () => {
    const { navigate, user } = renderGate({
      fallback: ({ start, pending }) => (
        <button type="button" onClick={start}>
          {pending ? "…" : "Upgrade"}
        </button>
      ),
    });
    await user.click(await screen.findByRole("button", { name: "Upgrade" }));
    await waitFor(() => expect(navigate).toHaveBeenCalledTimes(1));
  });

  it("a node fallback and a custom loading element replace the defaults; className lands on the frame", async () => {
    const release = app.hold("status");
    const { container } = renderGate({
      fallback: <a href="/pricing">See plans</a>,
      loading: <span>…</span>,
      className: "gate",
    });
    expect(container.querySelector(".gate[data-tollgate-state=loading][aria-busy=true]")?.textContent).toBe("…");
    release();
    expect(await screen.findByRole("link", { name: "See plans" })).toBeTruthy();
    expect(container.querySelector(".gate")?.getAttribute("data-tollgate-state")).toBe("denied");
  });

  it("renders the children unwrapped once allowed", async () => {
    await app.activate();
    const { container } = renderGate();
    await screen.findByText("Paid content");
    expect(container.innerHTML).toBe("<p>Paid content</p>");
  });
});

describe("PaywallGate: unmounting", () => {
  it("never updates state or reports after unmounting mid-request", async () => {
    const release = app.hold("status");
    const { unmount, onError } = renderGate();
    await waitFor(() => expect(app.received("status")).toHaveLength(1));
    unmount();
    app.breakRoute("status", { status: 500 });
    release();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(onError).not.toHaveBeenCalled();
  });

  it("never updates state after unmounting mid-checkout", async () => {
    const release = app.hold("checkout");
    const { unmount, onError, navigate, user } = renderGate();
    await user.click(await subscribe());
    await waitFor(() => expect(app.received("checkout")).toHaveLength(1));
    unmount();
    release();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(navigate).not.toHaveBeenCalled();
    expect(onError).not.toHaveBeenCalled();
  });
});

// @vitest-environment jsdom
import { act, cleanup, render, renderHook, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ManageBillingButton, useCheckout, usePortal, useSubscription } from "../../src/react.js";
import { mountApp, PORTAL_URL, quietConsole } from "./support/app.js";

const app = mountApp();
quietConsole();
afterEach(cleanup);

describe("useSubscription", () => {
  it("loading → ready with the status body; refresh asks again", async () => {
    const { result } = renderHook(() => useSubscription());
    expect(result.current).toMatchObject({ status: "loading", data: null, error: null, finalizing: false });
    await waitFor(() => expect(result.current.status).toBe("ready"));
    expect(result.current.data).toEqual({ hasAccess: false, status: null });
    await app.activate();
    act(() => result.current.refresh());
    expect(result.current.status).toBe("loading");
    await waitFor(() => expect(result.current.data?.hasAccess).toBe(true));
    expect(result.current.data).toEqual({
      hasAccess: true,
      status: "active",
      currentPeriodEnd: "2027-01-01T00:00:00.000Z",
      // The memory adapter returns the flag, so the status route answers it (#13).
      cancelAtPeriodEnd: false,
    });
    expect(app.received("status")).toHaveLength(2);
  });

  it.each([
    ["network", "network" as const, "network", undefined],
    ["401", { status: 401, body: { error: "x", code: "UNAUTHORIZED", requestId: "req_1" } }, "api", "UNAUTHORIZED"],
    ["503", { status: 503, body: "busy" }, "api", undefined],
  ])("a %s failure → status error with a TollgateClientError", async (_name, how, kind, code) => {
    app.breakRoute("status", how);
    const onError = vi.fn();
    const { result } = renderHook(() => useSubscription({ onError }));
    await waitFor(() => expect(result.current.status).toBe("error"));
    expect(result.current.error).toMatchObject({ name: "TollgateClientError", route: "status", kind, code });
    expect(onError).toHaveBeenCalledExactlyOnceWith(result.current.error);
  });

  it("uses statusUrl and email", async () => {
    app.configure({ status: { auth: undefined, rateLimit: false } });
    const { result } = renderHook(() =>
      useSubscription({ statusUrl: "/api/subscription/status?v=1", email: "ada@example.com" }),
    );
    await waitFor(() => expect(result.current.status).toBe("ready"));
    const url = app.received("status")[0]?.url;
    expect(Object.fromEntries(url?.searchParams ?? [])).toEqual({ v: "1", email: "ada@example.com" });
  });
});

describe("useCheckout and usePortal", () => {
  it("start(): a second call while pending does nothing, and it never rejects", async () => {
    const release = app.hold("checkout");
    const navigate = vi.fn();
    const { result } = renderHook(() => useCheckout({ navigate }));
    let first!: Promise<void>;
    let second!: Promise<void>;
    act(() => {
      first = result.current.start();
      second = result.current.start();
    });
    expect(result.current.pending).toBe(true);
    release();
    await act(() => Promise.all([first, second]));
    expect(app.received("checkout")).toHaveLength(1);
    expect(navigate).toHaveBeenCalledTimes(1);
  });

  it("start() resolves with the error in state when the route is down", async () => {
    app.breakRoute("checkout", "network");
    const { result } = renderHook(() => useCheckout({ navigate: vi.fn() }));
    await act(() => result.current.start());
    expect(result.current).toMatchObject({ pending: false, error: { route: "checkout", kind: "network" } });
    expect(result.current.error?.message).toBe("Unable to connect to checkout service");
  });

  it("without onAlreadySubscribed, a 409 ALREADY_SUBSCRIBED is an error that says so", async () => {
    await app.activate();
    const { result } = renderHook(() => useCheckout({ navigate: vi.fn() }));
    await act(() => result.current.start());
    expect(result.current.error).toMatchObject({ kind: "api", status: 409, code: "ALREADY_SUBSCRIBED" });
  });

  it("open(): POSTs the portal route with no body and follows its https URL", async () => {
    await app.giveCustomer();
    const navigate = vi.fn();
    const { result } = renderHook(() => usePortal({ navigate }));
    await act(() => result.current.open());
    expect(navigate).toHaveBeenCalledExactlyOnceWith(PORTAL_URL);
    expect(app.received("portal")[0]?.body).toBe("");
    expect(result.current.pending).toBe(true);
  });

  it("unmounting mid-request: no navigation, no state, no report", async () => {
    const release = app.hold("portal");
    await app.giveCustomer();
    const navigate = vi.fn();
    const onError = vi.fn();
    const { result, unmount } = renderHook(() => usePortal({ navigate, onError }));
    let opening!: Promise<void>;
    act(() => {
      opening = result.current.open();
    });
    await waitFor(() => expect(app.received("portal")).toHaveLength(1));
    unmount();
    release();
    await opening;
    expect(navigate).not.toHaveBeenCalled();
    expect(onError).not.toHaveBeenCalled();
  });
});

describe("ManageBillingButton", () => {
  it("opens the portal", async () => {
    await app.giveCustomer();
    const navigate = vi.fn();
    render(<ManageBillingButton navigate={navigate} className="billing" />);
    const button = screen.getByRole("button", { name: "Manage billing" });
    expect(button.className).toBe("billing");
    await userEvent.click(button);
    await waitFor(() => expect(navigate).toHaveBeenCalledExactlyOnceWith(PORTAL_URL));
    expect(screen.getByRole("button", { name: "Opening billing portal…" }).getAttribute("aria-busy")).toBe("true");
  });

  it.each([
    ["no Stripe customer yet (the route's real 404)", null, "Unable to open billing portal. Please try again."],
    ["the route is down", "network" as const, "Unable to connect to billing service"],
  ])("%s → an alert that takes focus; pressing again retries", async (_name, how, message) => {
    if (how) app.breakRoute("portal", how);
    const navigate = vi.fn();
    const onError = vi.fn();
    render(<ManageBillingButton navigate={navigate} onError={onError} />);
    await userEvent.click(screen.getByRole("button", { name: "Manage billing" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toBe(message);
    expect(document.activeElement).toBe(alert);
    expect(onError).toHaveBeenCalledTimes(1);
    app.repair("portal");
    await app.giveCustomer();
    await userEvent.click(screen.getByRole("button", { name: "Manage billing" }));
    await waitFor(() => expect(navigate).toHaveBeenCalledExactlyOnceWith(PORTAL_URL));
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("takes its texts from labels or children", () => {
    render(
      <>
        <ManageBillingButton labels={{ manageBilling: "Facturation" }} />
        <ManageBillingButton>Billing settings</ManageBillingButton>
      </>,
    );
    expect(screen.getByRole("button", { name: "Facturation" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Billing settings" })).toBeTruthy();
  });
});

import { describe, expect, it } from "vitest";
import { fakeStripe } from "../../test/support/fake-stripe.js";
import { deadline } from "./deadline.js";
import { listEventWindow } from "./event-window.js";

const TYPES = new Set(["invoice.paid"]);

/** Reads [from, to] window by window, as the sweep does, with a small cap. */
async function readAll(seconds: number[], cap: number, from = 1_000, to = 2_000) {
  const stripe = fakeStripe();
  const ids = seconds.map((second, i) => stripe.emit("invoice.paid", { id: `in_${i}` }, second).id);
  const client = async () => stripe.client;
  const windows: Array<{ size: number; to: number }> = [];
  const seen: string[] = [];
  let start = from;
  for (;;) {
    const window = await listEventWindow(client, TYPES, start, to, deadline(null), cap);
    if (window === null) throw new Error("no deadline was set");
    windows.push({ size: window.events.length, to: window.to });
    seen.push(...window.events.map((event) => event.id));
    if (window.to >= to) break;
    start = window.to + 1;
  }
  return { ids, seen, windows, lists: stripe.callsOf("events.list").length };
}

describe("listEventWindow", () => {
  // Stripe pages hold 100 events, so a window is cut at the first page that reaches the cap.
  it.each([
    ["a backlog under the cap", Array.from({ length: 40 }, (_, i) => 1_000 + i * 20), 1_000, "one window"],
    ["a backlog of 950 events", Array.from({ length: 950 }, (_, i) => 1_000 + i), 200, "several windows"],
    ["250 events of one second in a sparse backlog", [1_010, ...Array(250).fill(1_500), 1_990], 100, "several windows"],
  ])("reads %s oldest first, every event once, in %s", async (_name, seconds, cap, shape) => {
    const { ids, seen, windows } = await readAll(seconds, cap);
    expect(seen).toEqual(ids);
    expect(windows.length > 1 ? "several windows" : "one window").toBe(shape);
  });

  it("keeps every window but one-second ones within the cap (memory stays bounded)", async () => {
    const { windows } = await readAll(
      Array.from({ length: 950 }, (_, i) => 1_000 + i),
      200,
    );
    for (const window of windows) expect(window.size).toBeLessThanOrEqual(200);
  });

  it("reads a single second holding more than the cap in full", async () => {
    const { ids, seen } = await readAll(Array(250).fill(1_500), 100, 1_500, 1_500);
    expect(seen).toEqual(ids);
  });
});

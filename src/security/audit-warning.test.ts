import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AuditEntry, SecurityWarningEntry } from "../http/audit-entry.js";
import { compose } from "../http/compose.js";
import { stripeSignature } from "../stripe/signature.js";
import { signStripePayload } from "../testing.js";
import { type AuditOptions, audit } from "./audit.js";
import { bodyLimit } from "./body-limit.js";
import { timestampWindow } from "./timestamp-window.js";

const SECRET = "whsec_audit_warning_secret";
const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const IP = "203.0.113.66";

type Entry = AuditEntry | SecurityWarningEntry;
const isWarning = (entry: Entry): entry is SecurityWarningEntry => "kind" in entry;

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});
afterEach(() => vi.useRealTimers());

function pipeline(options: AuditOptions["securityWarning"] = undefined) {
  const entries: Entry[] = [];
  const handler = compose(
    [
      audit({ sink: (entry) => void entries.push(entry), ...(options ? { securityWarning: options } : {}) }),
      bodyLimit(),
      stripeSignature({ secret: SECRET }),
      timestampWindow(),
    ],
    () => Response.json({ received: true }),
    { route: "stripe-webhook" },
  );
  return { handler, entries };
}

type Kind = "valid" | "invalid" | "missing" | "old";

/** One delivery of the given kind, signed with the package's own test kit. */
async function delivery(kind: Kind, ip = IP): Promise<Request> {
  const body = '{"id":"evt_1","type":"x"}';
  const headers: Record<string, string> = { "x-forwarded-for": ip };
  const timestamp = Math.floor(Date.now() / 1000) - (kind === "old" ? 301 : 0);
  if (kind !== "missing") {
    Object.assign(headers, await signStripePayload(body, kind === "invalid" ? "whsec_wrong" : SECRET, { timestamp }));
  }
  return new Request("https://app.example/hook", { method: "POST", body, headers });
}

describe("repeated signature failures", () => {
  type Step = Kind | { advance: number } | { ip: string; kind: Kind };

  /** Runs the steps and returns after which deliveries (1-based) a warning entry was emitted, with its count. */
  async function warningsAfter(steps: Step[], options: AuditOptions["securityWarning"] = undefined) {
    const { handler, entries } = pipeline(options);
    const warned: Array<[number, number]> = [];
    let deliveries = 0;
    for (const step of steps) {
      if (typeof step === "object" && "advance" in step) {
        vi.advanceTimersByTime(step.advance);
        continue;
      }
      const request = typeof step === "string" ? await delivery(step) : await delivery(step.kind, step.ip);
      const before = entries.length;
      await handler(request);
      deliveries++;
      const added = entries.slice(before);
      expect(isWarning(added[0]!)).toBe(false); // the request's own entry always comes first
      for (const entry of added.slice(1)) if (isWarning(entry)) warned.push([deliveries, entry.count]);
    }
    return warned;
  }

  const invalid = (n: number): Step[] => Array.from({ length: n }, () => "invalid" as const);

  it.each<[string, Step[], AuditOptions["securityWarning"], Array<[number, number]>]>([
    ["4 invalid signatures: no warning", invalid(4), undefined, []],
    ["5 invalid signatures: a warning on the 5th", invalid(5), undefined, [[5, 5]]],
    [
      "10 invalid signatures: a warning on the 5th and the 10th",
      invalid(10),
      undefined,
      [
        [5, 5],
        [10, 5],
      ],
    ],
    ["4 invalid and a missing signature: no warning", [...invalid(4), "missing"], undefined, []],
    ["4 invalid and a replay (valid signature, old): no warning", [...invalid(4), "old"], undefined, []],
    [
      "4 invalid, a valid one, then an invalid: a warning on the 6th",
      [...invalid(4), "valid", "invalid"],
      undefined,
      [[6, 5]],
    ],
    [
      "4 invalid, then another 299 999 ms later: a warning",
      [...invalid(4), { advance: 299_999 }, "invalid"],
      undefined,
      [[5, 5]],
    ],
    [
      "4 invalid, then another 300 000 ms later: no warning (spread beyond the window)",
      [...invalid(4), { advance: 300_000 }, "invalid"],
      undefined,
      [],
    ],
    [
      "one every 100 s, six times: no warning",
      Array.from({ length: 6 }, () => ["invalid", { advance: 100_000 }] as Step[]).flat(),
      undefined,
      [],
    ],
    [
      "3 from one IP and 2 from another: no warning",
      [...invalid(3), { ip: "198.51.100.1", kind: "invalid" }, { ip: "198.51.100.1", kind: "invalid" }],
      undefined,
      [],
    ],
    [
      "a custom threshold of 2 within 1 s",
      ["invalid", { advance: 999 }, "invalid"],
      { threshold: 2, windowMs: 1000 },
      [[2, 2]],
    ],
    [
      "a custom threshold of 2, 1 s apart",
      ["invalid", { advance: 1000 }, "invalid"],
      { threshold: 2, windowMs: 1000 },
      [],
    ],
  ])("%s", async (_case, steps, options, expected) => {
    expect(await warningsAfter(steps, options)).toEqual(expected);
  });

  it("emits a warn entry naming the route, the IP, the count and the window", async () => {
    const { handler, entries } = pipeline();
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(1000);
      await handler(await delivery("invalid"));
    }
    expect(entries.filter(isWarning)).toEqual([
      {
        level: "warn",
        kind: "repeated-signature-failures",
        route: "stripe-webhook",
        sourceIp: IP,
        count: 5,
        windowMs: 300_000,
        timestamp: new Date(NOW + 5000).toISOString(),
      },
    ]);
    expect(entries.filter((entry) => !isWarning(entry))).toHaveLength(5);
  });
});

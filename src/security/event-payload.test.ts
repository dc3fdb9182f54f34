import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AuditEntry } from "../http/audit-entry.js";
import { compose } from "../http/compose.js";
import { audit } from "./audit.js";
import { bodyLimit } from "./body-limit.js";
import { type EventPayloadOptions, eventPayload } from "./event-payload.js";

beforeEach(() => {
  vi.spyOn(console, "error").mockImplementation(() => {});
});
afterEach(() => vi.restoreAllMocks());

type Event = { id: string; type: string; [field: string]: unknown };

const parse: EventPayloadOptions<Event>["parse"] = (value) => {
  const event = value as Partial<Event> | null;
  if (typeof event !== "object" || event === null) return null;
  if (typeof event.id !== "string" || typeof event.type !== "string") return null;
  return { event: event as Event, type: event.type, id: event.id, idempotencyKey: `test:${event.id}` };
};

function route() {
  const entries: AuditEntry[] = [];
  const seen: Array<{ event: unknown; key: string | undefined }> = [];
  const handler = compose(
    [audit({ sink: (entry) => void entries.push(entry as AuditEntry) }), bodyLimit(), eventPayload({ parse })],
    (ctx) => {
      seen.push({ event: ctx.state.event, key: ctx.state.idempotencyKey });
      return Response.json({ received: true });
    },
  );
  return { handler, entries, seen };
}

const post = (body: BodyInit) => new Request("https://app.example/hook", { method: "POST", body });

describe("eventPayload", () => {
  it.each([
    ["an empty body", ""],
    ["text", "not json"],
    ["truncated JSON", '{"id":"evt_1","type":'],
    ["invalid UTF-8", new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d])],
    ["JSON null", "null"],
    ["a JSON array", "[]"],
    ["a JSON string", '"evt_1"'],
    ["an object without an id", '{"type":"x"}'],
    ["an object with a numeric id", '{"id":1,"type":"x"}'],
  ])("refuses %s with 400 INVALID_PAYLOAD", async (_case, body) => {
    const { handler, seen } = route();
    const response = await handler(post(body));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      code: "INVALID_PAYLOAD",
      requestId: response.headers.get("x-request-id"),
    });
    expect(seen).toEqual([]);
  });

  it("never echoes the parser's error, which quotes the body", async () => {
    const response = await route().handler(post("tok_body_marker"));
    expect(await response.text()).not.toContain("tok_body_marker");
  });

  it("hands on the event with unknown fields kept, its idempotency key, and its type and id for the audit", async () => {
    const { handler, entries, seen } = route();
    const body = '{"id":"evt_1","type":"future.event","brand_new_field":{"nested":[1,2]}}';
    expect((await handler(post(body))).status).toBe(200);
    expect(seen).toEqual([{ event: JSON.parse(body), key: "test:evt_1" }]);
    expect(entries[0]).toMatchObject({ eventType: "future.event", eventId: "evt_1" });
  });

  it.each([[undefined], [{}], [{ parse: "json" }]])("refuses %o with a TypeError", (options) => {
    expect(() => eventPayload(options as unknown as EventPayloadOptions<unknown>)).toThrow(TypeError);
  });
});

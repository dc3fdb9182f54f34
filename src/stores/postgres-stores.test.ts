import { afterEach, describe, expect, it, vi } from "vitest";
import { createWebhookRoute } from "../index.js";
import { signStripePayload, stripeEvent } from "../testing.js";
import { createPostgresCursorStore } from "./postgres-cursor.js";
import { createPostgresIdempotencyStore } from "./postgres-idempotency.js";
import type { SqlQuery } from "./postgres-query.js";
import { createPostgresRateLimitStore } from "./postgres-rate-limit.js";
import { postgresStoreSchema } from "./postgres-schema.js";

/** A query function that records every statement and answers with `reply`. */
function recording(reply: (text: string) => unknown = () => []) {
  const calls: Array<{ text: string; params: unknown[] }> = [];
  const query = vi.fn(async (text: string, params: unknown[]) => {
    calls.push({ text, params });
    return reply(text) as never;
  }) as unknown as SqlQuery;
  return { query, calls };
}

const factories = {
  createPostgresIdempotencyStore,
  createPostgresRateLimitStore,
  createPostgresCursorStore,
};

describe("PostgreSQL store options", () => {
  it.each([
    ["tollgate_idempotency", '"tollgate_idempotency"'],
    ["billing.webhook_claims", '"billing"."webhook_claims"'],
    ["_t1", '"_t1"'],
    ["user", '"user"'],
  ])("table %j is written as %s", (table, quoted) => {
    const store = createPostgresIdempotencyStore(recording().query, { table });
    expect(store.schema).toContain(`CREATE TABLE IF NOT EXISTS ${quoted} (`);
  });

  it.each([
    [""],
    ["Tollgate"],
    ["1table"],
    ["a.b.c"],
    ["a."],
    ['t"; DROP TABLE users; --'],
    ["t;DROP"],
    ["tollgate idempotency"],
    ["x".repeat(49)],
    [42],
    [null],
  ])("table %j is refused when the store is created", (table) => {
    for (const create of Object.values(factories)) {
      const { query, calls } = recording();
      expect(() => create(query, { table: table as string })).toThrow(
        /table must be a lowercase SQL identifier.*at most 48 characters/,
      );
      expect(calls).toEqual([]);
    }
  });

  it.each([[undefined], [null], ["postgres://"], [{ query: () => [] }]])("query %j is refused", (query) => {
    for (const [name, create] of Object.entries(factories)) {
      expect(() => create(query as never)).toThrow(
        new TypeError(
          `tollgate: ${name} needs a query function, (text, params) => rows, e.g. (text, params) => pool.query(text, params)`,
        ),
      );
    }
  });

  it.each([["yes"], [1], [null]])("createTable %j is refused", (createTable) => {
    for (const create of Object.values(factories)) {
      expect(() => create(recording().query, { createTable: createTable as never })).toThrow(
        "tollgate: createTable must be a boolean",
      );
    }
  });

  it.each([
    ["claim", (s: ReturnType<typeof createPostgresIdempotencyStore>) => s.claim("k", 0), "leaseMs"],
    ["claim", (s: ReturnType<typeof createPostgresIdempotencyStore>) => s.claim("k", Number.NaN), "leaseMs"],
    ["complete", (s: ReturnType<typeof createPostgresIdempotencyStore>) => s.complete("k", -1), "ttlMs"],
    ["complete", (s: ReturnType<typeof createPostgresIdempotencyStore>) => s.complete("k", Infinity), "ttlMs"],
  ])("%s with a bad duration rejects before any query", async (_, call, name) => {
    const { query, calls } = recording();
    await expect(call(createPostgresIdempotencyStore(query))).rejects.toThrow(
      `tollgate: ${name} must be a positive number of milliseconds`,
    );
    expect(calls).toEqual([]);
  });

  it.each([[0], [-5], [Number.NaN], ["60000"]])("hit with windowMs %j rejects before any query", async (windowMs) => {
    const { query, calls } = recording();
    await expect(createPostgresRateLimitStore(query).hit("k", windowMs as number)).rejects.toThrow(
      "tollgate: windowMs must be a positive number of milliseconds",
    );
    expect(calls).toEqual([]);
  });

  it.each([
    ["get", ""],
    ["get", 7],
    ["set", ""],
  ])("cursor %s with name %j rejects before any query", async (method, name) => {
    const { query, calls } = recording();
    const store = createPostgresCursorStore(query);
    const call = method === "get" ? store.get(name as string) : store.set(name as string, "v");
    await expect(call).rejects.toThrow("tollgate: a cursor name must be a non-empty string");
    expect(calls).toEqual([]);
  });
});

describe("PostgreSQL store query results", () => {
  it.each([
    ["an array of rows (postgres.js, Prisma, neon())", [{ result: "duplicate" }]],
    ["{ rows } (pg, PGlite, Neon's Pool)", { rows: [{ result: "duplicate" }], rowCount: 1 }],
  ])("accepts %s", async (_, reply) => {
    const { query } = recording(() => reply);
    expect(await createPostgresIdempotencyStore(query).claim("k", 1_000)).toBe("duplicate");
  });

  it.each([
    ["undefined", undefined],
    ["a number", 1],
    ["{ rowCount } alone", { rowCount: 1 }],
  ])("refuses %s with an error naming both shapes", async (_, reply) => {
    const { query } = recording(() => reply);
    await expect(createPostgresIdempotencyStore(query).claim("k", 1_000)).rejects.toThrow(
      "tollgate: the query function must resolve to an array of rows or to { rows }",
    );
  });

  it.each([
    ["claim", () => createPostgresIdempotencyStore(recording(() => [{ result: "maybe" }]).query).claim("k", 1)],
    ["claim", () => createPostgresIdempotencyStore(recording(() => []).query).claim("k", 1)],
    [
      "hit",
      () => createPostgresRateLimitStore(recording(() => [{ count: "x", reset_ms: 5, now_ms: 0 }]).query).hit("k", 1),
    ],
    ["hit", () => createPostgresRateLimitStore(recording(() => []).query).hit("k", 1)],
    ["get", () => createPostgresCursorStore(recording(() => [{ value: 5 }]).query).get("c")],
  ])("%s rejects on a row it cannot read", async (_, call) => {
    await expect(call()).rejects.toThrow(/unexpected reply/);
  });

  it("binds only strings and numbers, the claim's token is random, and release sends the claim's own token", async () => {
    const { query, calls } = recording((text) => (text.startsWith("WITH claimed") ? [{ result: "claimed" }] : []));
    const store = createPostgresIdempotencyStore(query);
    await store.claim("stripe:evt_1", 60_000.4);
    await store.claim("stripe:evt_2", 60_000);
    await store.release("stripe:evt_1");
    await store.release("stripe:evt_1"); // already released: nothing to send
    await store.release("stripe:evt_never");
    const [first, second, release] = calls;
    expect(first?.params).toEqual(["stripe:evt_1", expect.stringMatching(/^[0-9a-f-]{36}$/), 60_001]);
    expect(second?.params[1]).not.toBe(first?.params[1]);
    expect(release).toEqual({
      text: expect.stringMatching(/^DELETE .* claim_token = \$2::text/),
      params: ["stripe:evt_1", first?.params[1]],
    });
    expect(calls).toHaveLength(3);
  });
});

describe("rate-limit resetAt on an instance whose clock differs from the database's", () => {
  it.each([
    ["61 s ahead", 61_000],
    ["61 s behind", -61_000],
  ])("database %s: resetAt is the window's end on this instance's clock, the same for every hit", async (_, skew) => {
    const windowEnd = Date.now() + skew + 60_000;
    let hits = 0;
    // The database's now() moves on between hits (latency, time passing); the window's end does not.
    const { query } = recording(() => [{ count: ++hits, reset_ms: windowEnd, now_ms: Date.now() + skew + hits * 40 }]);
    const store = createPostgresRateLimitStore(query);
    const before = Date.now();
    const results = [await store.hit("ip", 60_000), await store.hit("ip", 60_000), await store.hit("ip", 60_000)];
    expect(results.map((r) => r.count)).toEqual([1, 2, 3]);
    expect(new Set(results.map((r) => r.resetAt)).size).toBe(1);
    const resetAt = results[0]?.resetAt as number;
    expect(resetAt - before).toBeGreaterThanOrEqual(60_000 - 100);
    expect(resetAt - before).toBeLessThanOrEqual(60_000 + 100);
  });
});

describe("createTable", () => {
  it("runs the schema once, under an advisory lock, before the first statement; without it no DDL is sent", async () => {
    const { query, calls } = recording(() => [{ value: "v" }]);
    const store = createPostgresCursorStore(query, { createTable: true });
    await Promise.all([store.get("a"), store.get("b")]);
    await store.set("a", "v");
    expect(calls.map((call) => call.text.split("\n")[0])).toEqual([
      "DO $tollgate$ BEGIN",
      'SELECT value FROM "tollgate_cursors" WHERE name = $1::text',
      'SELECT value FROM "tollgate_cursors" WHERE name = $1::text',
      'INSERT INTO "tollgate_cursors" (name, value) VALUES ($1::text, $2::text)',
    ]);
    expect(calls[0]?.text).toContain("pg_advisory_xact_lock");
    expect(calls[0]?.text).toContain(store.schema);

    const plain = recording(() => []);
    await createPostgresCursorStore(plain.query).get("a");
    expect(plain.calls.map((call) => call.text)).toEqual([
      'SELECT value FROM "tollgate_cursors" WHERE name = $1::text',
    ]);
  });

  it("a first use that fails (database down) is tried again on the next call", async () => {
    let down = true;
    const { query, calls } = recording((text) => {
      if (down) throw new Error("connect ECONNREFUSED 127.0.0.1:5432");
      return text.startsWith("INSERT") ? [{ count: 1, reset_ms: 1_000, now_ms: 0 }] : [];
    });
    const store = createPostgresRateLimitStore(query, { createTable: true });
    await expect(store.hit("ip", 1_000)).rejects.toThrow("ECONNREFUSED");
    down = false;
    expect((await store.hit("ip", 1_000)).count).toBe(1);
    expect(calls.map((call) => call.text.slice(0, 2))).toEqual(["DO", "DO", "IN"]);
  });

  it("postgresStoreSchema takes the stores' table names", () => {
    const sql = postgresStoreSchema({ idempotency: "app.claims", rateLimits: "limits", cursors: "sweep" });
    expect(sql.match(/CREATE (TABLE|INDEX) IF NOT EXISTS \S+/g)).toEqual([
      'CREATE TABLE IF NOT EXISTS "app"."claims"',
      'CREATE INDEX IF NOT EXISTS "claims_expires_at_idx"',
      'CREATE TABLE IF NOT EXISTS "limits"',
      'CREATE INDEX IF NOT EXISTS "limits_reset_at_idx"',
      'CREATE TABLE IF NOT EXISTS "sweep"',
    ]);
    expect(() => postgresStoreSchema({ cursors: "Sweep" })).toThrow(TypeError);
  });
});

describe("a PostgreSQL store that fails, behind a webhook route", () => {
  afterEach(() => void vi.restoreAllMocks());

  it("answers 503 STORE_UNAVAILABLE and runs no handler", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const upsertSubscription = vi.fn(async () => {});
    const store = createPostgresIdempotencyStore(async () => {
      throw new Error("connect ECONNREFUSED 127.0.0.1:5432");
    });
    const route = createWebhookRoute({
      findUserByCustomerId: async () => ({ id: "u", email: "a@example.com", stripeCustomerId: "cus_1" }),
      upsertSubscription,
      updateSubscriptionStatus: async () => {},
      stripe: { webhookSecret: "whsec_pg_down" },
      sync: "payload",
      audit: false,
      idempotency: { store },
    });
    const body = JSON.stringify(stripeEvent("invoice.paid", { id: "in_1" }));
    const headers = await signStripePayload(body, "whsec_pg_down");
    const response = await route(new Request("http://127.0.0.1/webhook", { method: "POST", headers, body }));
    expect([response.status, (await response.json()).code]).toEqual([503, "STORE_UNAVAILABLE"]);
    expect(upsertSubscription).not.toHaveBeenCalled();
    expect(error).toHaveBeenCalled();
  });
});

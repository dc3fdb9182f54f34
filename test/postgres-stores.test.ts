import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createWebhookRoute } from "../src/index.js";
import {
  createPostgresCursorStore,
  createPostgresIdempotencyStore,
  createPostgresRateLimitStore,
  postgresStoreSchema,
  type SqlQuery,
} from "../src/security.js";
import {
  cursorStoreConformance,
  idempotencyStoreConformance,
  rateLimitStoreConformance,
  signStripePayload,
  stripeEvent,
} from "../src/testing.js";
import { STORE_SERVERS, type StoreDatabase } from "./support/store-databases.js";
import { subscription } from "./support/stripe-webhook.js";

const SECRET = "whsec_postgres_stores";
const runner = { describe, it, expect };

describe.each(STORE_SERVERS)("PostgreSQL stores on $name", ({ name, skip, shortMs, open }) => {
  if (skip) {
    console.warn(`[tollgate] PostgreSQL stores, ${name}: ${skip}`);
    it.skip(skip, () => {});
    return;
  }

  // The database's own clock, in real time, as an app runs them.
  describe("in real time", () => {
    let db: StoreDatabase;
    let query: SqlQuery;
    beforeAll(async () => {
      db = await open();
      query = db.instance();
    });
    afterAll(() => db?.close());

    idempotencyStoreConformance("idempotency", () => createPostgresIdempotencyStore(query), { ...runner, shortMs });
    rateLimitStoreConformance("rate limits", () => createPostgresRateLimitStore(query), { ...runner, shortMs });
    cursorStoreConformance("cursors", () => createPostgresCursorStore(query), runner);
  });

  // The same cases with the database's clock moved by the test: leases end when the database says so.
  describe("on a database clock the test moves", () => {
    let db: StoreDatabase;
    let query: SqlQuery;
    beforeAll(async () => {
      db = await open({ clock: true });
      query = db.instance();
    });
    afterAll(() => db?.close());

    idempotencyStoreConformance("idempotency", () => createPostgresIdempotencyStore(query), {
      ...runner,
      advanceTime: (ms) => db.advance(ms),
    });

    it("a lease ends on the database's clock: a dead holder blocks the id until leaseMs has passed there", async () => {
      const [dead, survivor] = [createPostgresIdempotencyStore(db.instance()), createPostgresIdempotencyStore(query)];
      expect(await dead.claim("stripe:evt_dead", 60_000)).toBe("claimed");
      // Real time passes too (a new pool connects): leave it a few seconds.
      await db.advance(55_000);
      expect(await survivor.claim("stripe:evt_dead", 60_000)).toBe("in-flight");
      await db.advance(5_000);
      expect(await survivor.claim("stripe:evt_dead", 60_000)).toBe("claimed");
      // The dead holder's late release frees nothing: the survivor's claim holds.
      await dead.release("stripe:evt_dead");
      expect(await dead.claim("stripe:evt_dead", 60_000)).toBe("in-flight");
      await survivor.complete("stripe:evt_dead", 60_000);
      expect(await dead.claim("stripe:evt_dead", 60_000)).toBe("duplicate");
    });

    it("sweep deletes the rows whose lease, duplicate window or rate window ended, and only those", async () => {
      const idem = createPostgresIdempotencyStore(query);
      const limits = createPostgresRateLimitStore(query);
      // What the cases above left behind with short leases, first.
      await Promise.all([idem.sweep(), limits.sweep()]);
      await idem.claim("sweep:lease", 1_000);
      await idem.claim("sweep:done", 60_000);
      await idem.complete("sweep:done", 2_000);
      await idem.claim("sweep:live", 60_000);
      await limits.hit("sweep:window", 1_000);
      await limits.hit("sweep:open", 60_000);
      await db.advance(2_000);
      expect([await idem.sweep(), await limits.sweep()]).toEqual([2, 1]);
      expect(await db.sql("SELECT key FROM tollgate_idempotency WHERE key LIKE 'sweep:%'")).toEqual([
        { key: "sweep:live" },
      ]);
      expect(await db.sql("SELECT key FROM tollgate_rate_limits WHERE key LIKE 'sweep:%'")).toEqual([
        { key: "sweep:open" },
      ]);
      expect([await idem.sweep(), await limits.sweep()]).toEqual([0, 0]);
    });
  });

  describe("two instances, each with its own connection pool, on one database", () => {
    let db: StoreDatabase;
    beforeAll(async () => {
      db = await open();
    });
    afterAll(() => db?.close());
    afterEach(() => void vi.useRealTimers());

    it("share claims, completed ids, counters and cursors", async () => {
      const [a, b] = [db.instance(), db.instance()];
      const [idemA, idemB] = [createPostgresIdempotencyStore(a), createPostgresIdempotencyStore(b)];
      expect(await idemA.claim("stripe:evt_shared", 60_000)).toBe("claimed");
      expect(await idemB.claim("stripe:evt_shared", 60_000)).toBe("in-flight");
      await idemA.complete("stripe:evt_shared", 60_000);
      expect(await idemB.claim("stripe:evt_shared", 60_000)).toBe("duplicate");

      const [limitA, limitB] = [createPostgresRateLimitStore(a), createPostgresRateLimitStore(b)];
      const hits = await Promise.all(
        Array.from({ length: 30 }, (_, i) => (i % 2 ? limitA : limitB).hit("checkout:203.0.113.9", 60_000)),
      );
      expect(hits.map((hit) => hit.count).sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));

      await createPostgresCursorStore(a).set("stripe:events", "1733000000:evt_9");
      expect(await createPostgresCursorStore(b).get("stripe:events")).toBe("1733000000:evt_9");
    });

    // PGlite runs inside this process on its clock, so a skewed app clock would skew it too: only a
    // server has a clock of its own.
    it.skipIf(name === "PGlite").each([
      ["61 s ahead", 61_000],
      ["61 s behind", -61_000],
    ])("an instance whose clock is %s does not process an event the other is processing", async (_, skewMs) => {
      const calls: string[] = [];
      let entered = () => {};
      const started = new Promise<void>((resolve) => {
        entered = resolve;
      });
      let finish = () => {};
      const held = new Promise<void>((resolve) => {
        finish = resolve;
      });
      const route = (query: SqlQuery, slow: boolean) =>
        createWebhookRoute({
          findUserByCustomerId: async () => ({ id: "user_1", email: "ada@example.com", stripeCustomerId: "cus_1" }),
          updateSubscriptionStatus: async () => {},
          upsertSubscription: async (data) => {
            calls.push(data.id);
            if (!slow) return;
            entered();
            await held;
          },
          stripe: { webhookSecret: SECRET },
          sync: "payload",
          audit: false,
          idempotency: { store: createPostgresIdempotencyStore(query), leaseMs: 60_000 },
        });
      const instances = [route(db.instance(), true), route(db.instance(), false)];
      const body = JSON.stringify(stripeEvent("customer.subscription.updated", subscription({ id: `sub_${skewMs}` })));
      const deliver = async (to: number) => {
        const headers = { "content-type": "application/json", ...(await signStripePayload(body, SECRET)) };
        const handler = instances[to] as (request: Request) => Promise<Response>;
        const response = await handler(
          new Request("http://127.0.0.1/api/webhooks/stripe", { method: "POST", headers, body }),
        );
        return [response.status, await response.json()];
      };

      const first = deliver(0);
      await started;
      // The second instance's clock is off by more than the lease: an app clock would call the lease ended.
      vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + skewMs });
      expect(await deliver(1)).toEqual([409, expect.objectContaining({ code: "EVENT_IN_FLIGHT" })]);
      vi.useRealTimers();
      finish();
      expect(await first).toEqual([200, { received: true }]);
      vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + skewMs });
      expect(await deliver(1)).toEqual([200, { received: true, duplicate: true }]);
      expect(calls).toEqual([`sub_${skewMs}`]);
    });
  });

  describe("schema", () => {
    let db: StoreDatabase;
    beforeAll(async () => {
      db = await open();
    });
    afterAll(() => db?.close());

    it("postgresStoreSchema() applies again without error and names the tables the stores use", async () => {
      await db.sql(postgresStoreSchema());
      const tables = await db.sql<{ name: string }>(
        "SELECT table_name AS name FROM information_schema.tables WHERE table_name LIKE 'tollgate_%' ORDER BY 1",
      );
      expect(tables.map((table) => table.name)).toEqual([
        "tollgate_cursors",
        "tollgate_idempotency",
        "tollgate_rate_limits",
      ]);
      expect(postgresStoreSchema()).toBe(
        [
          createPostgresIdempotencyStore(db.instance()).schema,
          createPostgresRateLimitStore(db.instance()).schema,
          createPostgresCursorStore(db.instance()).schema,
        ].join(""),
      );
    });

    it("createTable: concurrent first uses from 8 instances create each table once, in a schema of its own", async () => {
      await db.sql("CREATE SCHEMA billing");
      const options = (table: string) => ({ table: `billing.${table}`, createTable: true });
      const instances = Array.from({ length: 8 }, () => db.instance());
      const results = await Promise.all(
        instances.flatMap((query, i) => [
          createPostgresIdempotencyStore(query, options("idem")).claim("evt_race", 60_000),
          createPostgresRateLimitStore(query, options("limits")).hit("ip", 60_000),
          createPostgresCursorStore(query, options("cursors")).set(`n${i}`, "v"),
        ]),
      );
      expect(results.filter((result) => result === "claimed")).toHaveLength(1);
      expect(results.filter((result) => result === "in-flight")).toHaveLength(7);
      expect(await db.sql("SELECT count(*)::int AS n FROM billing.cursors")).toEqual([{ n: 8 }]);
      expect(await db.sql("SELECT count FROM billing.limits")).toEqual([{ count: 8 }]);
      expect(
        await db.sql(
          "SELECT indexname FROM pg_indexes WHERE schemaname = 'billing' AND indexname LIKE '%_at_idx' ORDER BY 1",
        ),
      ).toEqual([{ indexname: "idem_expires_at_idx" }, { indexname: "limits_reset_at_idx" }]);
    });
  });
});

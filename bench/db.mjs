// `npm run bench:db`: events per second through the Drizzle example's webhook route on PostgreSQL,
// two instances sharing one database, against the hand-written route doing the same writes.
// Needs DATABASE_URL (a server where it may create and drop a scratch database).
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import pg from "pg";
import { signStripePayload } from "tollgate/testing";
import { STRIPE_SECRET, stripeBody } from "./fixtures.mjs";

const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) {
  console.log(
    "skipped: bench:db needs DATABASE_URL=postgres://user@host:port/database (a scratch database is created and dropped)",
  );
  process.exit(0);
}

const CUSTOMERS = 200;
const EVENTS = Number(process.env.BENCH_DB_EVENTS ?? 2_000);
const CONCURRENCY = Number(process.env.BENCH_DB_CONCURRENCY ?? 20);
const ROUNDS = 3;

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const bundle = here("./.db-app.bundle.mjs");
await build({
  entryPoints: [here("./db-app.mjs")],
  outfile: bundle,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  tsconfigRaw: {},
  logLevel: "warning",
});
const { createInstance } = await import(bundle);

const name = `tollgate_bench_${process.pid}`;
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const url = new URL(serverUrl);
url.pathname = `/${name}`;
const instances = [];
try {
  execFileSync(process.execPath, [here("../examples/nextjs-drizzle/scripts/migrate.mjs")], {
    env: { ...process.env, DATABASE_URL: url.href },
    stdio: "ignore",
  });
  const setup = new pg.Client({ connectionString: url.href });
  await setup.connect();
  await setup.query(
    `INSERT INTO users (email, stripe_customer_id) SELECT 'bench' || i || '@example.com', 'cus_db_' || i FROM generate_series(0, ${CUSTOMERS - 1}) i`,
  );
  instances.push(createInstance(url.href, STRIPE_SECRET), createInstance(url.href, STRIPE_SECRET));

  let serial = 0;
  /** `count` distinct signed subscription updates spread over the customers. */
  async function deliveries(count) {
    const pool = [];
    for (let i = 0; i < count; i++) {
      const n = serial++;
      const event = JSON.parse(stripeBody(`evt_db_${process.pid}_${n}`, 1024));
      const customer = n % CUSTOMERS;
      Object.assign(event.data.object, { id: `sub_db_${customer}`, customer: `cus_db_${customer}` });
      const body = JSON.stringify(event);
      pool.push({
        body,
        headers: { "content-type": "application/json", ...(await signStripePayload(body, STRIPE_SECRET)) },
      });
    }
    return pool;
  }

  /** Sends `pool` with CONCURRENCY requests in flight, alternating between the two instances. */
  async function drive(side, pool) {
    let next = 0;
    const started = performance.now();
    async function worker() {
      while (next < pool.length) {
        const index = next++;
        const { body, headers } = pool[index];
        const route = instances[index % 2][side];
        const response = await route(
          new Request("http://127.0.0.1/api/webhooks/stripe", { method: "POST", body, headers }),
        );
        if (response.status !== 200) throw new Error(`${side}: status ${response.status} ${await response.text()}`);
        await response.arrayBuffer();
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return pool.length / ((performance.now() - started) / 1000);
  }

  const rates = { tollgate: [], seed: [] };
  await drive("tollgate", await deliveries(200));
  await drive("seed", await deliveries(200));
  for (let round = 0; round < ROUNDS; round++) {
    for (const side of round % 2 === 0 ? ["tollgate", "seed"] : ["seed", "tollgate"]) {
      rates[side].push(await drive(side, await deliveries(EVENTS)));
    }
  }
  const { rows } = await setup.query(
    "SELECT count(*)::int AS claims FROM tollgate_idempotency WHERE key LIKE 'stripe:%'",
  );
  await setup.end();
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const tollgate = median(rates.tollgate);
  const seed = median(rates.seed);
  console.log(
    `tollgate bench:db — PostgreSQL, two instances (pool of ${process.env.DATABASE_POOL_MAX ?? 10} each), ${CONCURRENCY} requests in flight, ${EVENTS} events per round, median of ${ROUNDS} alternating rounds`,
  );
  console.table([
    {
      benchmark: "events/s through the Drizzle example's webhook route",
      tollgate: tollgate.toFixed(0),
      "hand-written": seed.toFixed(0),
      ratio: `${(tollgate / seed).toFixed(2)}×`,
      note: `tollgate: claim + complete per event (${rows[0].claims} ids recorded); hand-written: no idempotency`,
    },
  ]);
} finally {
  await Promise.all(instances.map((instance) => instance.close()));
  // pool.end() resolves before its sockets have closed: wait (up to 5 s) for the server to see them go,
  // so FORCE does not terminate a closing connection whose pool no longer listens for errors.
  for (let waited = 0; waited < 5_000; waited += 50) {
    const { rows } = await admin.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1", [name]);
    if (rows[0]?.n === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}

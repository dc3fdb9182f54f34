import { execFile } from "node:child_process";
import { promisify } from "node:util";
import pg from "pg";

/**
 * Runs an example's own migration script (`scripts/setup-db.mjs`, `scripts/migrate.mjs`) against `url`.
 * Asynchronously: a PGlite socket server may be answering from this very process.
 */
export async function migrate(script: string, url: string): Promise<void> {
  try {
    await promisify(execFile)(process.execPath, [script], { env: { ...process.env, DATABASE_URL: url } });
  } catch (error) {
    throw new Error(`${script} failed: ${(error as { stderr?: string }).stderr}`);
  }
}

/** An empty database of its own on the DATABASE_URL server; `drop` removes it. */
export async function createDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const serverUrl = process.env.DATABASE_URL as string;
  const name = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    async drop() {
      // node-postgres' pool.end() resolves before its sockets have closed. Terminating a connection that
      // is still closing makes its client emit an error nobody listens to any more, so wait (up to 5 s)
      // for the server to see them gone; FORCE then only ends what a crashed test left behind.
      for (let waited = 0; waited < 5_000; waited += 50) {
        const { rows } = await admin.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1", [
          name,
        ]);
        if (rows[0]?.n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

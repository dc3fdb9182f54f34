import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

const baseEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };

/** One of examples/: installs it if needed, builds it with `next build`, starts `next start` on 127.0.0.1. */
export interface NextApp {
  dir: string;
  /** Why the app cannot run here (its install failed), or undefined. */
  skip: string | undefined;
  /** Runs the example's `npm run build` (its own build script: Prisma's generates the client first). */
  build(env?: Record<string, string>): Promise<void>;
  /** Starts `next start` on `port` (default: a free one). */
  start(env?: Record<string, string>, port?: number): Promise<RunningApp>;
}

export interface RunningApp {
  base: string;
  log(): string;
  stop(): Promise<void>;
}

/**
 * A fresh clone has no node_modules in the examples. `npm install` rather than `npm ci`: the lock cannot
 * hold Next's macOS/Windows SWC packages where the registry does not serve them, which `npm ci` refuses.
 */
export function nextApp(dir: string, label: string): NextApp {
  const next = join(dir, "node_modules/next/dist/bin/next");
  let skip: string | undefined;
  if (!existsSync(next)) {
    const result = spawnSync("npm", ["install", "--no-audit", "--no-fund"], {
      cwd: dir,
      env: baseEnv,
      encoding: "utf8",
    });
    if (result.status !== 0 || !existsSync(next)) {
      skip = `[tollgate] ${label} skipped: npm install in ${dir} failed (exit ${result.status}): ${(result.error?.message ?? result.stderr).trim()}`;
      console.warn(skip);
    }
  }
  return {
    dir,
    skip,
    async build(env = {}) {
      const build = await exited(
        spawn("npm", ["run", "build"], { cwd: dir, env: { ...baseEnv, ...env }, stdio: "pipe" }),
      );
      if (build.code !== 0) throw new Error(`next build failed (exit ${build.code}):\n${build.output}`);
    },
    async start(env = {}, fixedPort?: number) {
      const port = fixedPort ?? (await freePort());
      const base = `http://127.0.0.1:${port}`;
      const server = spawn(process.execPath, [next, "start", "-H", "127.0.0.1", "-p", String(port)], {
        cwd: dir,
        env: { ...baseEnv, ...env },
        stdio: "pipe",
      });
      const output: string[] = [];
      server.stdout?.on("data", (chunk) => output.push(String(chunk)));
      server.stderr?.on("data", (chunk) => output.push(String(chunk)));
      const log = () => output.join("");
      await waitUntilUp(base, server, log);
      return {
        base,
        log,
        stop: async () => {
          if (server.exitCode !== null) return;
          const gone = new Promise((resolve) => server.once("exit", resolve));
          server.kill();
          await gone;
        },
      };
    },
  };
}

function exited(child: ChildProcess): Promise<{ code: number | null; output: string }> {
  const output: string[] = [];
  child.stdout?.on("data", (chunk) => output.push(String(chunk)));
  child.stderr?.on("data", (chunk) => output.push(String(chunk)));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, output: output.join("") })));
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

async function waitUntilUp(url: string, server: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`next start exited ${server.exitCode}:\n${log()}`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error(`next start did not answer within 60 s:\n${log()}`);
}

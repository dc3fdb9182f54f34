import { type ChildProcess, fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";

// The finding: under tollgate/node a route whose rateLimit.key touched ctx.request buffered the
// whole upload before the limit applied (400 MiB took the process to 1.3 GiB). The server runs in a
// child process so that the memory measured is the server's alone.
const UPLOAD = 200 * 1024 * 1024;
const CEILING = 100 * 1024 * 1024;

let child: ChildProcess;
let port: number;
let dir: string;

function ask(type: string): Promise<number> {
  return new Promise((resolve) => {
    const listener = (message: { type: string; rss: number }) => {
      if (message.type !== type) return;
      child.off("message", listener);
      resolve(message.rss);
    };
    child.on("message", listener);
    child.send({ type });
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tollgate-upload-"));
  const outfile = join(dir, "server.mjs");
  await build({
    entryPoints: [join(import.meta.dirname, "support/upload-server.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    outfile,
    conditions: ["node"],
    external: ["stripe"],
    logLevel: "silent",
  });
});

// A fresh server per case: resident memory, once grown, does not shrink back for the next case.
beforeEach(async () => {
  child = fork(join(dir, "server.mjs"), [], {
    execArgv: ["--expose-gc"],
    stdio: ["ignore", "ignore", "ignore", "ipc"],
  });
  port = await new Promise<number>((resolve) => {
    child.on("message", (message: { type: string; port: number }) => {
      if (message.type === "ready") resolve(message.port);
    });
  });
});

afterEach(() => {
  child.kill();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Streams up to `UPLOAD` bytes chunked (no content-length) over a raw socket, as a client that
 * ignores everything until it gets an answer, and resolves with the status the server answered and
 * how many bytes went out by then. A server that buffers the body answers only after all of it.
 */
function upload(path: string): Promise<{ status: number; sent: number }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    const chunk = new Uint8Array(1024 * 1024).fill(0x20);
    const frame = new TextEncoder().encode(`${chunk.length.toString(16)}\r\n`);
    const crlf = new TextEncoder().encode("\r\n");
    let sent = 0;
    let answer = "";
    let done = false;
    socket.on("data", (data: Buffer) => {
      answer += data.toString("latin1");
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer);
      if (status && !done) {
        done = true;
        socket.destroy();
        resolve({ status: Number(status[1]), sent });
      }
    });
    socket.on("error", (error) => {
      if (!done) reject(error);
    });
    socket.write(
      `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n`,
    );
    const pump = () => {
      while (!done && sent < UPLOAD) {
        sent += chunk.length;
        socket.write(frame);
        socket.write(chunk);
        if (!socket.write(crlf)) return void socket.once("drain", pump);
      }
      if (!done) socket.write("0\r\n\r\n");
    };
    pump();
  });
}

describe("a 200 MiB chunked upload, with a custom rateLimit.key", () => {
  it.each([
    ["node", "stripe-webhook"],
    ["node", "clerk-webhook"],
    ["node", "checkout"],
    ["web", "stripe-webhook"],
    ["web", "checkout"],
  ])(
    "under %s to %s: 413, and the server's memory rises by less than 100 MiB",
    async (entry, route) => {
      const before = await ask("reset");
      const { status } = await upload(`/${entry}/${route}`);
      const peak = await ask("peak");
      expect(status).toBe(413);
      expect(peak - before).toBeLessThan(CEILING);
    },
    60_000,
  );
});

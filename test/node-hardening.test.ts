import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type AuditEntry, createSubscriptionStatusRoute, createWebhookRoute } from "../src/index.js";
import { toNodeHandler } from "../src/node.js";
import { compose, type Handler } from "../src/security.js";
import { createMemoryAdapter } from "../src/testing.js";

const servers: Server[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

async function listen(listener: Listener, host = "127.0.0.1"): Promise<{ port: number; base: string }> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return { port, base: `http://${host}:${port}` };
}

/** Sends raw bytes and resolves with the whole answer (or "" when the server closes without one). */
function raw(port: number, text: string, options: { keepOpenMs?: number; destroyAfterMs?: number } = {}) {
  return new Promise<string>((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    let answer = "";
    socket.on("data", (data: Buffer) => {
      answer += data.toString("latin1");
    });
    socket.on("close", () => resolve(answer));
    socket.on("error", () => resolve(answer));
    socket.write(text);
    if (options.destroyAfterMs !== undefined) setTimeout(() => socket.destroy(), options.destroyAfterMs);
    else setTimeout(() => socket.end(), options.keepOpenMs ?? 300);
  });
}

/** A GET from a given local address, without connection reuse. */
function getFrom(localAddress: string, url: string, headers: Record<string, string> = {}) {
  return new Promise<number>((resolve, reject) => {
    const req = httpRequest(url, { localAddress, agent: false, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

const statusRoute = (options: Record<string, unknown> = {}) => {
  const db = createMemoryAdapter();
  return createSubscriptionStatusRoute({ ...db, audit: false, ...options });
};

describe("tollgate/node: a body a parser already consumed", () => {
  const db = createMemoryAdapter();

  // What express.json() does: read the stream to its end, then decorate req.
  function afterJsonParser(route: Handler): Listener {
    const handler = toNodeHandler(route);
    return (req, res) => {
      const parsed = req as IncomingMessage & { body?: unknown; _body?: boolean };
      const hasBody = req.headers["content-length"] !== undefined || req.headers["transfer-encoding"] !== undefined;
      if (!hasBody) {
        parsed.body = {};
        return void handler(req, res);
      }
      let text = "";
      req.setEncoding("utf8");
      req.on("data", (chunk: string) => {
        text += chunk;
      });
      req.on("end", () => {
        parsed.body = JSON.parse(text || "{}");
        parsed._body = true;
        void handler(req, res);
      });
    };
  }

  it("answers 500 CONFIGURATION_ERROR at once, and the logged cause names the fix", async () => {
    const onError = vi.fn();
    const route = createWebhookRoute({ ...db, audit: false, onError, stripe: { webhookSecret: "whsec_x" } });
    const { base } = await listen(afterJsonParser(route));
    const started = Date.now();
    const response = await fetch(`${base}/hook`, { method: "POST", body: '{"id":"evt_1"}' });
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ code: "CONFIGURATION_ERROR" });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(onError).toHaveBeenCalledOnce();
    const [cause, info] = onError.mock.calls[0] as [Error, { code: string }];
    expect(info.code).toBe("CONFIGURATION_ERROR");
    expect(cause.message).toMatch(/before the parser|mounted before this route/);
    expect(cause.message).toContain("express.raw");
  });

  it("serves a body-less GET that the parser decorated with req.body = {}", async () => {
    const { base } = await listen(afterJsonParser(statusRoute({ rateLimit: false })));
    const response = await fetch(`${base}/status?email=ada@example.com`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ hasAccess: false, status: null });
  });
});

describe("tollgate/node: clients that stall or go away", () => {
  const echo = (options: { bodyTimeoutMs?: number; sink?: (entry: AuditEntry) => void } = {}) =>
    createWebhookRoute({
      ...createMemoryAdapter(),
      audit: (entry) => options.sink?.(entry as AuditEntry),
      bodyTimeoutMs: options.bodyTimeoutMs,
      stripe: { webhookSecret: "whsec_x" },
    });

  it("a client that disconnects mid-body is audited rejected / CLIENT_ABORTED / 499, without a stack, and the handler settles", async () => {
    const entries: AuditEntry[] = [];
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const handler = toNodeHandler(echo({ sink: (entry) => entries.push(entry) }));
    const settled: Promise<void>[] = [];
    const { port } = await listen((req, res) => void settled.push(handler(req, res)));
    await raw(port, "POST /hook HTTP/1.1\r\nHost: a\r\ncontent-length: 1000\r\n\r\n0123456789", {
      destroyAfterMs: 100,
    });
    await vi.waitFor(() => expect(settled).toHaveLength(1));
    await expect(settled[0]).resolves.toBeUndefined();
    expect(entries).toEqual([
      expect.objectContaining({ outcome: "rejected", reason: "CLIENT_ABORTED", status: 499, level: "warn" }),
    ]);
    expect(errors).not.toHaveBeenCalled();
  });

  it("a stalled upload answers 408 REQUEST_TIMEOUT after bodyTimeoutMs", async () => {
    const entries: AuditEntry[] = [];
    const { port } = await listen(toNodeHandler(echo({ bodyTimeoutMs: 200, sink: (e) => entries.push(e) })));
    const answer = await raw(port, "POST /hook HTTP/1.1\r\nHost: a\r\ncontent-length: 100\r\n\r\n0123456789", {
      keepOpenMs: 1_000,
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(answer).toContain('"code":"REQUEST_TIMEOUT"');
    expect(entries[0]).toMatchObject({ outcome: "rejected", reason: "REQUEST_TIMEOUT", status: 408 });
  });

  it("an oversized chunked body gets its 413 (the rest is drained, not the socket destroyed)", async () => {
    const { port } = await listen(
      toNodeHandler(
        createWebhookRoute({
          ...createMemoryAdapter(),
          audit: false,
          maxBodyBytes: 64,
          stripe: { webhookSecret: "whsec_x" },
        }),
      ),
    );
    const chunk = "x".repeat(1024);
    const body = Array.from({ length: 64 }, () => `400\r\n${chunk}\r\n`).join("");
    const answer = await raw(
      port,
      `POST /hook HTTP/1.1\r\nHost: a\r\ntransfer-encoding: chunked\r\n\r\n${body}0\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
  });
});

describe("tollgate/node: the URL comes from the request line", () => {
  const echoUrl = compose([], (ctx) => Response.json({ url: ctx.url }));

  it.each([
    [
      "a Host that tries to add a query",
      "evil.example/?email=mallory@example.com#",
      "http://localhost/status?email=ada@example.com",
    ],
    ["a Host with a path", "evil.example/x", "http://localhost/status?email=ada@example.com"],
    ["a Host with userinfo", "mallory@evil.example", "http://localhost/status?email=ada@example.com"],
    ["an unparseable Host", "a b%%", "http://localhost/status?email=ada@example.com"],
    ["a plain host and port", "app.example:8080", "http://app.example:8080/status?email=ada@example.com"],
    ["an IPv6 host", "[::1]:3000", "http://[::1]:3000/status?email=ada@example.com"],
  ])("%s", async (_case, host, url) => {
    const { port } = await listen(toNodeHandler(echoUrl));
    const answer = await raw(port, `GET /status?email=ada@example.com HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4))).toEqual({ url });
  });

  it("an absolute-form request target keeps only its path and query", async () => {
    const { port } = await listen(toNodeHandler(echoUrl));
    const answer = await raw(port, "GET http://evil.example/status?x=1 HTTP/1.1\r\nHost: app.example\r\n\r\n");
    expect(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4))).toEqual({ url: "http://app.example/status?x=1" });
  });
});

describe("tollgate/node: never rejects", () => {
  it.each([
    ["res.end throws", undefined],
    [
      "res.end throws and next throws too",
      () => {
        throw new Error("next failed");
      },
    ],
  ])("%s", async (_case, next) => {
    const handler = toNodeHandler(compose([], () => Response.json({ ok: true })));
    const outcomes: Promise<void>[] = [];
    const { base } = await listen((req, res) => {
      res.end = (() => {
        throw new Error("socket gone");
      }) as never;
      outcomes.push(handler(req, res, next));
    });
    await fetch(base).catch(() => undefined);
    await vi.waitFor(() => expect(outcomes).toHaveLength(1));
    await expect(outcomes[0]).resolves.toBeUndefined();
  });
});

describe("tollgate/node: the source IP is the socket's when no proxy names one", () => {
  it("two direct clients do not share one bucket", async () => {
    const route = statusRoute({ rateLimit: { limit: 1, windowMs: 60_000 } });
    const { port } = await listen(toNodeHandler(route), "0.0.0.0");
    const url = `http://127.0.0.1:${port}/status?email=ada@example.com`;
    expect(await getFrom("127.0.0.2", url)).toBe(200);
    expect(await getFrom("127.0.0.2", url)).toBe(429);
    expect(await getFrom("127.0.0.3", url)).toBe(200);
    expect(await getFrom("127.0.0.4", url)).toBe(200);
  });

  it("the default limit of a route without auth holds per client", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const route = statusRoute();
    const { port } = await listen(toNodeHandler(route), "0.0.0.0");
    const url = `http://127.0.0.1:${port}/status?email=ada@example.com`;
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push(await getFrom("127.0.0.5", url));
    expect(statuses.slice(0, 30).every((status) => status === 200)).toBe(true);
    expect(statuses[30]).toBe(429);
    expect(await getFrom("127.0.0.6", url)).toBe(200);
    warn.mockRestore();
  });

  it("behind an appending proxy, forged first hops do not get past the limit", async () => {
    const route = statusRoute({ rateLimit: { limit: 2, windowMs: 60_000 } });
    const app = await listen(toNodeHandler(route));
    // nginx's $proxy_add_x_forwarded_for: whatever the client sent, then the address it connected from.
    const proxy = await listen((req, res) => {
      const seen = req.socket.remoteAddress?.replace(/^::ffff:/, "") ?? "";
      const forwarded = req.headers["x-forwarded-for"];
      const upstream = httpRequest(
        `${app.base}${req.url}`,
        {
          method: req.method,
          agent: false,
          headers: { ...req.headers, "x-forwarded-for": forwarded ? `${forwarded}, ${seen}` : seen },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(upstream);
    }, "0.0.0.0");
    const url = `http://127.0.0.1:${proxy.port}/status?email=ada@example.com`;
    const statuses: number[] = [];
    for (const forged of ["1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4, 5.5.5.5"]) {
      statuses.push(await getFrom("127.0.0.7", url, { "x-forwarded-for": forged }));
    }
    expect(statuses).toEqual([200, 200, 429, 429]);
    expect(await getFrom("127.0.0.8", url, { "x-forwarded-for": "1.1.1.1" })).toBe(200);
  });
});

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import pg from "pg";
import { WebSocketServer } from "ws";

/**
 * Neon's serverless driver, pointed at local stand-ins so its real client code runs offline:
 *
 * - `neon()` (SQL over HTTP) POSTs `{ query, params }` to its fetch endpoint and parses the answer
 *   (`fields` with type OIDs, `rows` as arrays of text) with its own type parsers. The stand-in runs
 *   the query on a PostgreSQL at `databaseUrl` and answers in that shape, as Neon's endpoint does.
 * - `Pool` / `Client` speak the PostgreSQL protocol over a WebSocket to Neon's proxy; the stand-in is
 *   a plain WebSocket-to-TCP pipe to the address the driver asks for.
 */
export interface NeonStandIns {
  /** For `neonConfig.fetchEndpoint`. */
  fetchEndpoint: string;
  /** For `neonConfig.wsProxy`. */
  wsProxy: (host: string, port: number | string) => string;
  close(): Promise<void>;
}

const raw = { getTypeParser: () => (value: string) => value };

export async function startNeonStandIns(databaseUrl: string): Promise<NeonStandIns> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  let queue = Promise.resolve();
  const http = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => {
      body += chunk;
    });
    request.on("end", () => {
      // One connection: the queries of concurrent requests run one after another, as in a session.
      queue = queue.then(async () => {
        const { query, params } = JSON.parse(body) as { query: string; params: unknown[] };
        try {
          const result = await client.query({ text: query, values: params, rowMode: "array", types: raw });
          response.writeHead(200, { "content-type": "application/json" });
          response.end(
            JSON.stringify({
              command: result.command,
              rowCount: result.rowCount,
              rowAsArray: true,
              fields: result.fields.map(({ name, dataTypeID }) => ({ name, dataTypeID })),
              rows: result.rows,
            }),
          );
        } catch (error) {
          const { message, code } = error as { message: string; code?: string };
          response.writeHead(400, { "content-type": "application/json" });
          response.end(JSON.stringify({ message, code }));
        }
      });
    });
  });
  const ws = new WebSocketServer({ server: http });
  ws.on("connection", (socket, request) => {
    const address = new URL(request.url ?? "", "http://x").searchParams.get("address") ?? "";
    const [host, port] = [address.slice(0, address.lastIndexOf(":")), address.slice(address.lastIndexOf(":") + 1)];
    const tcp = connect(Number(port), host);
    tcp.on("data", (data) => socket.send(data));
    tcp.on("close", () => socket.close());
    tcp.on("error", () => socket.close());
    socket.on("message", (data) => tcp.write(data as Buffer));
    socket.on("close", () => tcp.end());
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;
  return {
    fetchEndpoint: `http://127.0.0.1:${port}/sql`,
    wsProxy: (host, targetPort) => `127.0.0.1:${port}/v2?address=${host}:${targetPort}`,
    async close() {
      for (const socket of ws.clients) socket.terminate();
      await new Promise<void>((resolve) => ws.close(() => resolve()));
      await new Promise<void>((resolve) => (http as Server).close(() => resolve()));
      await client.end();
    },
  };
}

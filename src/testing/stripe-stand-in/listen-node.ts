import { createServer } from "node:http";
import { toNodeHandler } from "../../node/to-node-handler.js";
import type { Listening } from "./listen.js";

/** Serves `handler` with node:http on 127.0.0.1 (`port` 0: a free one). */
export async function listen(handler: (request: Request) => Promise<Response>, port: number): Promise<Listening> {
  const node = toNodeHandler(handler);
  const server = createServer((req, res) => void node(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const actual = typeof address === "object" && address ? address.port : port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

import type { IncomingMessage } from "node:http";
import { BODY_END, type ChunkResult, type ChunkSource, clientAborted } from "../http/body.js";
import { TollgateError } from "../http/errors.js";

const CONSUMED = new Error(
  "tollgate: the request body was already read by a body parser mounted before this route (e.g. express.json()). " +
    'Mount the route before the parser, or give it a raw parser (express.raw({ type: "*/*" })).',
);

type ParsedRequest = IncomingMessage & { body?: unknown; _body?: boolean };

/** True when the request carries a body at all (a length above zero, or a chunked one). */
function hasBody(req: IncomingMessage): boolean {
  if (req.headers["transfer-encoding"] !== undefined) return true;
  const length = req.headers["content-length"];
  return length !== undefined && length !== "0";
}

/**
 * The body of a Node request: raw bytes a parser left on `req.body` (`express.raw()`), else a chunk
 * source over the stream, else null when there is no body. A body whose stream something else
 * already read throws `CONFIGURATION_ERROR` at once (waiting for it would hang forever).
 */
export function nodeBody(req: IncomingMessage): Uint8Array | ChunkSource | null {
  const parsed = req as ParsedRequest;
  if (parsed.body instanceof Uint8Array) return parsed.body;
  if (!hasBody(req)) return null;
  if (req.readableEnded || req.readableDidRead || parsed._body === true) {
    throw new TollgateError("CONFIGURATION_ERROR", { cause: CONSUMED });
  }
  return nodeChunkSource(req);
}

/**
 * Pulls chunks from a Node request one at a time (paused in between, so a slow reader applies
 * backpressure). A request that closes or aborts before its end rejects with `CLIENT_ABORTED`;
 * `discard` lets the rest flow by unread, so a 413 still reaches the client.
 */
export function nodeChunkSource(req: IncomingMessage): ChunkSource {
  const buffered: Uint8Array[] = [];
  let ended = false;
  let aborted = req.destroyed && !req.readableEnded;
  let waiting: { resolve(result: ChunkResult): void; reject(error: unknown): void } | undefined;
  let listening = false;

  const onData = (chunk: Uint8Array) => {
    req.pause();
    if (waiting === undefined) buffered.push(chunk);
    else {
      const pending = waiting;
      waiting = undefined;
      pending.resolve({ done: false, value: chunk });
    }
  };
  const onEnd = () => {
    ended = true;
    waiting?.resolve(BODY_END);
    waiting = undefined;
  };
  const onGone = () => {
    if (ended) return;
    aborted = true;
    waiting?.reject(clientAborted());
    waiting = undefined;
  };
  const listen = () => {
    if (listening) return;
    listening = true;
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("aborted", onGone);
    req.on("close", onGone);
    req.on("error", onGone);
  };
  const stop = () => {
    req.off("data", onData);
    req.off("end", onEnd);
    req.off("aborted", onGone);
    req.off("close", onGone);
    // Keep an error listener: an unhandled 'error' on the request would crash the process.
    req.off("error", onGone);
    req.on("error", () => {});
  };

  return {
    read() {
      const chunk = buffered.shift();
      if (chunk !== undefined) return Promise.resolve({ done: false, value: chunk });
      if (ended) return Promise.resolve(BODY_END);
      if (aborted) return Promise.reject(clientAborted());
      listen();
      return new Promise((resolve, reject) => {
        waiting = { resolve, reject };
        req.resume();
      });
    },
    discard() {
      stop();
      buffered.length = 0;
      // Drain: the bytes go by unread and the socket stays usable for the response.
      req.resume();
    },
  };
}

import { TollgateError } from "./errors.js";

/** How long a body may take to arrive when the route does not say: slow uploads hold memory and sockets. */
export const BODY_TIMEOUT_MS = 10_000;

/** The default limit of a body read before any `bodyLimit` layer said otherwise (the webhook limit). */
export const DEFAULT_BODY_LIMIT = 1_048_576;

/** The limits a `bodyLimit` layer announces to `compose` (attached under `BODY_SETTINGS`). */
export interface BodySettings {
  maxBytes: number;
  timeoutMs: number;
}

export const BODY_SETTINGS = Symbol.for("tollgate.body-settings");

/** Checks a `bodyTimeoutMs` option: a positive integer number of milliseconds. */
export function resolveBodyTimeout(value: unknown): number {
  if (value === undefined) return BODY_TIMEOUT_MS;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new TypeError("tollgate: bodyTimeoutMs must be a positive integer number of milliseconds");
  }
  return value;
}

/** One read of a `ChunkSource`, shaped as a Web stream reader's result (so a reader's is passed on as is). */
export type ChunkResult = { done: false; value: Uint8Array } | { done: true; value?: undefined };

/** The result that ends every body. */
export const BODY_END: ChunkResult = Object.freeze({ done: true, value: undefined });

/** Where body bytes come from: a Web stream reader or a Node request. */
export interface ChunkSource {
  /** The next chunk, or `done` at the end. Rejects when the client goes away. */
  read(): Promise<ChunkResult>;
  /**
   * Stop reading, but let the rest of the body go by unread (drain), so that the response can still
   * reach the client: cancelling a body built over a socket destroys the socket.
   */
  discard(deadline: number): void;
}

/** The one bounded reader behind every body read of a request, whoever asks first. */
export interface BodyTap {
  /**
   * The whole body, refusing more than `maxBytes` (413 `PAYLOAD_TOO_LARGE`, whatever
   * `content-length` claims) and a body slower than the timeout (408 `REQUEST_TIMEOUT`).
   */
  read(maxBytes: number): Promise<Uint8Array>;
  /** A stream over the same bytes, under the same limits, for a `Request` built before the read. */
  stream(): ReadableStream<Uint8Array>;
  /** The error the body failed with (413, 408, 400, 499), once it failed. */
  readonly failure: TollgateError | undefined;
}

export interface BodyTapOptions {
  /** The `content-length` header, if any. */
  declared: string | null;
  /** Limit of reads through `stream()` until `read(maxBytes)` sets one. @default DEFAULT_BODY_LIMIT */
  maxBytes?: number;
  /** @default BODY_TIMEOUT_MS */
  timeoutMs?: number;
}

const ABORTED_MESSAGE = "The client closed the connection before the body arrived.";

/** A client that went away mid-body: audited as 499, never logged with a stack. */
export function clientAborted(): TollgateError {
  return new TollgateError("CLIENT_ABORTED", { message: ABORTED_MESSAGE });
}

/** A `ChunkSource` over a Web body stream; an oversized body is drained (until `deadline`), not cancelled. */
export function webChunkSource(body: ReadableStream<Uint8Array>): ChunkSource {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  return {
    read() {
      reader ??= body.getReader();
      return reader.read() as Promise<ChunkResult>;
    },
    discard(deadline) {
      if (reader === undefined) return;
      const draining = reader;
      void (async () => {
        try {
          while (!(await draining.read()).done) {
            if (Date.now() > deadline) {
              await draining.cancel();
              return;
            }
          }
        } catch {
          // The client went away while draining: nothing left to do.
        }
      })();
    },
  };
}

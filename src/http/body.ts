import { concatBytes } from "../crypto/encoding.js";
import { isTollgateError, TollgateError } from "./errors.js";

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

const DIGITS = /^\d+$/;

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

/**
 * Records every chunk pulled from `source` with a running count, so the body is read once however
 * many readers there are, and never more than the limit is held. `content-length` only ever refuses
 * early; it never replaces the count.
 *
 * One timer per body, armed at the first pull; when it fires, every reader waiting is released with
 * 408 at once (a stalled client's pending chunk read is left to the drain), so no chunk pays for a
 * race against the deadline.
 */
export function createBodyTap(source: ChunkSource | null, options: BodyTapOptions): BodyTap {
  const declaredLength = options.declared !== null && DIGITS.test(options.declared) ? Number(options.declared) : null;
  const timeoutMs = options.timeoutMs ?? BODY_TIMEOUT_MS;
  let limit = options.maxBytes ?? DEFAULT_BODY_LIMIT;
  const chunks: Uint8Array[] = [];
  let total = 0;
  let done = source === null;
  let failure: TollgateError | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let started = false;
  let pulling: Promise<void> | undefined;
  // Readers waiting for the body, released with the failure when it comes (a timeout, above all).
  let waiters: ((error: TollgateError) => void)[] | undefined;

  function fail(error: TollgateError): TollgateError {
    if (failure === undefined) {
      failure = error;
      (tap as { failure: TollgateError }).failure = error;
      stopTimer();
      // A client that went away has nothing left to drain; an oversized body does. A body never
      // started is left alone (the server discards it after the response).
      if (started && source !== null && error.code !== "CLIENT_ABORTED") source.discard(Date.now() + timeoutMs);
      if (waiters !== undefined) for (const release of waiters.splice(0)) release(error);
    }
    return failure;
  }

  function stopTimer(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  }

  function expire(): void {
    timer = undefined;
    fail(new TollgateError("REQUEST_TIMEOUT"));
  }

  // Pulls one chunk into `chunks`; concurrent callers share the pull in progress.
  function pull(): Promise<void> {
    if (failure !== undefined) return Promise.reject(failure);
    if (done) return Promise.resolve();
    if (pulling === undefined) {
      if (!started) {
        started = true;
        timer = setTimeout(expire, timeoutMs);
        (timer as { unref?: () => void }).unref?.();
      }
      pulling = pullOne(source as ChunkSource);
    }
    return pulling;
  }

  async function pullOne(from: ChunkSource): Promise<void> {
    let result: ChunkResult;
    try {
      result = await from.read();
    } catch (error) {
      throw fail(isTollgateError(error) ? error : clientAborted());
    } finally {
      pulling = undefined;
    }
    // The deadline passed (or another reader failed the body) while this chunk was on its way.
    if (failure !== undefined) throw failure;
    if (result.done) {
      done = true;
      stopTimer();
      return;
    }
    const chunk = result.value;
    total += chunk.byteLength;
    if (total > limit) throw fail(new TollgateError("PAYLOAD_TOO_LARGE"));
    if (declaredLength !== null && total > declaredLength) {
      throw fail(
        new TollgateError("VALIDATION_ERROR", {
          message: "The request body is longer than its content-length.",
          details: { body: ["The body is longer than its declared content-length."] },
        }),
      );
    }
    chunks.push(chunk);
  }

  function whole(): Uint8Array {
    if (chunks.length === 1) return chunks[0] as Uint8Array;
    const bytes = concatBytes(chunks);
    chunks.length = 0;
    chunks.push(bytes);
    return bytes;
  }

  function forget(release: (error: TollgateError) => void): void {
    const index = waiters === undefined ? -1 : waiters.indexOf(release);
    if (index !== -1) waiters?.splice(index, 1);
  }

  /**
   * Runs `work` for a reader that the body's failure releases at once (the timer firing while a
   * chunk is awaited): the reader is registered as a waiter until `work` settles.
   */
  function guarded<T>(work: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      waiters ??= [];
      waiters.push(reject);
      void settle(work, resolve, reject);
    });
  }

  async function settle<T>(
    work: () => Promise<T>,
    resolve: (value: T) => void,
    reject: (error: unknown) => void,
  ): Promise<void> {
    try {
      resolve(await work());
    } catch (error) {
      reject(error);
    } finally {
      forget(reject);
    }
  }

  async function readAll(): Promise<Uint8Array> {
    while (!done) await pull();
    return whole();
  }

  // A plain data property, not a getter: an object literal with an accessor is built on V8's slow
  // path, which cost more per request than the whole read.
  const tap: BodyTap = {
    failure: undefined,
    read(maxBytes) {
      if (failure !== undefined) return Promise.reject(failure);
      limit = maxBytes;
      if ((declaredLength !== null && declaredLength > maxBytes) || total > maxBytes) {
        return Promise.reject(fail(new TollgateError("PAYLOAD_TOO_LARGE")));
      }
      if (done) return Promise.resolve(whole());
      return guarded(readAll);
    },
    stream() {
      let index = 0;
      const next = async (): Promise<Uint8Array | undefined> => {
        while (index >= chunks.length && !done) await pull();
        return chunks[index];
      };
      return new ReadableStream<Uint8Array>({
        async pull(controller) {
          let chunk: Uint8Array | undefined;
          try {
            chunk = await guarded(next);
          } catch (error) {
            controller.error(error);
            return;
          }
          if (chunk === undefined) controller.close();
          else {
            index += 1;
            controller.enqueue(chunk);
          }
        },
      });
    },
  };
  return tap;
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

/**
 * Reads a Web request's body into one byte array with a running count: more than `maxBytes` → 413
 * `PAYLOAD_TOO_LARGE` (whatever `content-length` says), slower than `timeoutMs` → 408
 * `REQUEST_TIMEOUT`, a client that goes away → 499 `CLIENT_ABORTED`.
 *
 * @example
 * const bytes = await readRequestBody(request, 64 * 1024, { timeoutMs: 5_000 });
 */
export function readRequestBody(
  request: Request,
  maxBytes: number,
  options: { timeoutMs?: number } = {},
): Promise<Uint8Array> {
  const tap = createBodyTap(request.body === null ? null : webChunkSource(request.body), {
    declared: request.headers.get("content-length"),
    maxBytes,
    timeoutMs: options.timeoutMs,
  });
  return tap.read(maxBytes);
}

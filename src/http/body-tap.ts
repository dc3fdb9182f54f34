import { concatBytes } from "../crypto/encoding.js";
import {
  BODY_TIMEOUT_MS,
  type BodyTap,
  type BodyTapOptions,
  type ChunkResult,
  type ChunkSource,
  clientAborted,
  DEFAULT_BODY_LIMIT,
  webChunkSource,
} from "./body.js";
import { isTollgateError, TollgateError } from "./errors.js";

const DIGITS = /^\d+$/;

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
  return new Tap(source, options);
}

type Release = (error: TollgateError) => void;

/**
 * The tap behind `createBodyTap`. A class, so a request's body costs one object and no closures:
 * the timer gets the tap as its argument, and the state lives in fields.
 *
 * One timer per body, armed at the first pull; when it fires, every reader waiting is released with
 * 408 at once (a stalled client's pending chunk read is left to the drain), so no chunk pays for a
 * race against the deadline.
 */
class Tap implements BodyTap {
  failure: TollgateError | undefined = undefined;
  readonly #source: ChunkSource | null;
  readonly #declared: number | null;
  readonly #timeoutMs: number;
  #limit: number;
  readonly #chunks: Uint8Array[] = [];
  #total = 0;
  #done: boolean;
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;
  #started = false;
  #pulling: Promise<void> | undefined = undefined;
  // Readers waiting for the body, released with the failure when it comes (a timeout, above all).
  #waiters: Release[] | undefined = undefined;

  constructor(source: ChunkSource | null, options: BodyTapOptions) {
    this.#source = source;
    this.#declared = options.declared !== null && DIGITS.test(options.declared) ? Number(options.declared) : null;
    this.#timeoutMs = options.timeoutMs ?? BODY_TIMEOUT_MS;
    this.#limit = options.maxBytes ?? DEFAULT_BODY_LIMIT;
    this.#done = source === null;
  }

  read(maxBytes: number): Promise<Uint8Array> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    this.#limit = maxBytes;
    if ((this.#declared !== null && this.#declared > maxBytes) || this.#total > maxBytes) {
      return Promise.reject(this.#fail(new TollgateError("PAYLOAD_TOO_LARGE")));
    }
    if (this.#done) return Promise.resolve(this.#whole());
    return new Promise<Uint8Array>((resolve, reject) => {
      this.#wait(reject);
      void this.#readAll(resolve, reject);
    });
  }

  stream(): ReadableStream<Uint8Array> {
    let index = 0;
    const tap = this;
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        return new Promise<void>((resolve) => {
          const release = (error: unknown) => {
            controller.error(error);
            resolve();
          };
          tap.#wait(release);
          void tap.#next(index).then(
            (chunk) => {
              tap.#forget(release);
              if (chunk === undefined) controller.close();
              else {
                index += 1;
                controller.enqueue(chunk);
              }
              resolve();
            },
            (error: unknown) => {
              tap.#forget(release);
              release(error);
            },
          );
        });
      },
    });
  }

  async #readAll(resolve: (bytes: Uint8Array) => void, reject: (error: unknown) => void): Promise<void> {
    try {
      while (!this.#done) await this.#pull();
      resolve(this.#whole());
    } catch (error) {
      reject(error);
    } finally {
      this.#forget(reject);
    }
  }

  async #next(index: number): Promise<Uint8Array | undefined> {
    while (index >= this.#chunks.length && !this.#done) await this.#pull();
    return this.#chunks[index];
  }

  #wait(release: Release): void {
    this.#waiters ??= [];
    this.#waiters.push(release);
  }

  #forget(release: Release): void {
    const index = this.#waiters === undefined ? -1 : this.#waiters.indexOf(release);
    if (index !== -1) this.#waiters?.splice(index, 1);
  }

  #fail(error: TollgateError): TollgateError {
    if (this.failure === undefined) {
      this.failure = error;
      this.#stopTimer();
      // A client that went away has nothing left to drain; an oversized body does. A body never
      // started is left alone (the server discards it after the response).
      if (this.#started && this.#source !== null && error.code !== "CLIENT_ABORTED") {
        this.#source.discard(Date.now() + this.#timeoutMs);
      }
      if (this.#waiters !== undefined) for (const release of this.#waiters.splice(0)) release(error);
    }
    return this.failure;
  }

  #stopTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  static #expire(tap: Tap): void {
    tap.#timer = undefined;
    tap.#fail(new TollgateError("REQUEST_TIMEOUT"));
  }

  // Pulls one chunk into `chunks`; concurrent callers share the pull in progress.
  #pull(): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.#done) return Promise.resolve();
    if (this.#pulling === undefined) {
      if (!this.#started) {
        this.#started = true;
        this.#timer = setTimeout(Tap.#expire, this.#timeoutMs, this);
        (this.#timer as { unref?: () => void }).unref?.();
      }
      this.#pulling = this.#pullOne(this.#source as ChunkSource);
    }
    return this.#pulling;
  }

  async #pullOne(from: ChunkSource): Promise<void> {
    let result: ChunkResult;
    try {
      result = await from.read();
    } catch (error) {
      throw this.#fail(isTollgateError(error) ? error : clientAborted());
    } finally {
      this.#pulling = undefined;
    }
    // The deadline passed (or another reader failed the body) while this chunk was on its way.
    if (this.failure !== undefined) throw this.failure;
    if (result.done) {
      this.#done = true;
      this.#stopTimer();
      return;
    }
    const chunk = result.value;
    this.#total += chunk.byteLength;
    if (this.#total > this.#limit) throw this.#fail(new TollgateError("PAYLOAD_TOO_LARGE"));
    if (this.#declared !== null && this.#total > this.#declared) {
      throw this.#fail(
        new TollgateError("VALIDATION_ERROR", {
          message: "The request body is longer than its content-length.",
          details: { body: ["The body is longer than its declared content-length."] },
        }),
      );
    }
    this.#chunks.push(chunk);
  }

  #whole(): Uint8Array {
    const chunks = this.#chunks;
    if (chunks.length === 1) return chunks[0] as Uint8Array;
    const bytes = concatBytes(chunks);
    chunks.length = 0;
    chunks.push(bytes);
    return bytes;
  }
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

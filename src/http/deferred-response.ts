/** What a deferred response holds until someone asks for the Web `Response`. */
export interface DeferredParts {
  status: number;
  /** Header fields, as a plain record while nobody has read `headers`, else the `Headers` they got. */
  headers: Readonly<Record<string, string>> | Headers;
  /** The JSON body text. */
  text: string;
}

/**
 * A JSON answer of tollgate's own layers that becomes a Web `Response` only when something needs
 * one. Building a `Response` (its `Headers`, its body stream) costs more than the rest of answering,
 * and on the Node path nobody needs it: `toNodeHandler` writes the status, fields and text straight
 * to the socket. A Web handler builds the `Response` once, at the boundary (`compose`).
 *
 * To a middleware it is a `Response` (`instanceof Response` holds): `status`, `ok` and `headers`
 * are its own (reading `headers` builds a `Headers` object, which the answer then keeps), and every
 * other `Response` member (`body`, `text()`, `clone()`, …) builds the real `Response` and reads it
 * there, so a layer that reads or rewrites the response sees what it always did.
 */
export class DeferredResponse {
  readonly status: number;
  #text: string;
  #fields: Record<string, string> | undefined;
  #headers: Headers | undefined;
  #response: Response | undefined;

  constructor(text: string, status: number, fields: Record<string, string>) {
    if (!linked) linkToResponse();
    this.status = status;
    this.#text = text;
    this.#fields = fields;
  }

  get ok(): boolean {
    return this.status >= 200 && this.status <= 299;
  }

  get statusText(): string {
    return "";
  }

  get headers(): Headers {
    if (this.#response !== undefined) return this.#response.headers;
    if (this.#headers === undefined) {
      this.#headers = new Headers(this.#fields);
      this.#fields = undefined;
    }
    return this.#headers;
  }

  /** The Web `Response`, built on first call; from then on this answer is that response. */
  toResponse(): Response {
    if (this.#response === undefined) {
      this.#response = new Response(this.#text, { status: this.status, headers: this.#headers ?? this.#fields });
      this.#headers = undefined;
      this.#fields = undefined;
    }
    return this.#response;
  }

  /** Sets a header field without building `Headers` while nobody has read them. */
  static setHeader(response: DeferredResponse, name: string, value: string): void {
    if (response.#fields !== undefined) response.#fields[name] = value;
    else response.headers.set(name, value);
  }

  /** Status, fields and text to write, or undefined once the Web `Response` exists (write that instead). */
  static parts(response: DeferredResponse): DeferredParts | undefined {
    if (response.#response !== undefined) return undefined;
    return { status: response.status, headers: response.#headers ?? response.#fields ?? {}, text: response.#text };
  }
}

let linked = false;

// Every other member of `Response` reads the real one, built on demand. Done on first use, not at
// import: touching `Response` makes Node load its fetch implementation, which a cold start need not pay.
function linkToResponse(): void {
  linked = true;
  const own = new Set(["constructor", "status", "ok", "statusText", "headers"]);
  for (const name of Object.getOwnPropertyNames(Response.prototype)) {
    if (own.has(name)) continue;
    const descriptor = Object.getOwnPropertyDescriptor(Response.prototype, name) as PropertyDescriptor;
    Object.defineProperty(
      DeferredResponse.prototype,
      name,
      typeof descriptor.value === "function"
        ? {
            configurable: true,
            writable: true,
            value(this: DeferredResponse, ...args: unknown[]) {
              const response = this.toResponse() as unknown as Record<string, (...args: unknown[]) => unknown>;
              return response[name]?.(...args);
            },
          }
        : {
            configurable: true,
            get(this: DeferredResponse) {
              return (this.toResponse() as unknown as Record<string, unknown>)[name];
            },
          },
    );
  }
  Object.defineProperty(DeferredResponse.prototype, Symbol.for("nodejs.util.inspect.custom"), {
    configurable: true,
    value(this: DeferredResponse) {
      return this.toResponse();
    },
  });
  Object.setPrototypeOf(DeferredResponse.prototype, Response.prototype);
}

import { ENDPOINTS, type Endpoint } from "./endpoints.js";
import { StandInError } from "./errors.js";
import { canonical, decodeSegment, flattenForm, type Params, parseParams } from "./form.js";
import { servePage } from "./pages.js";
import type { Account } from "./state.js";

/** A call the stand-in received, as `standIn.requests` logs it. */
export interface StandInRequest {
  method: string;
  /** The path without the query (`/v1/checkout/sessions`). */
  path: string;
  /** The `Idempotency-Key` header, if any. */
  idempotencyKey: string | undefined;
  /** The parameters (form body of a POST, query of a GET) flattened as sent: `line_items[0][price]` → value. */
  form: Record<string, string>;
  /** The same parameters decoded into objects and arrays, as Stripe reads them. */
  params: Params;
  /** The status answered. */
  status: number;
  /** The `request-id` answered (`req_…`). */
  requestId: string;
}

interface SavedResponse {
  endpoint: string;
  params: string;
  status: number;
  body: string;
  requestId: string;
  created: number;
}

const KEY_TTL_SECONDS = 24 * 3600;

function json(status: number, body: string, requestId: string, extra: Record<string, string> = {}): Response {
  return new Response(body, {
    status,
    headers: { "content-type": "application/json", "request-id": requestId, ...extra },
  });
}

function match(method: string, path: string): { endpoint: Endpoint; id: string } | undefined {
  for (const endpoint of ENDPOINTS) {
    if (endpoint.method !== method) continue;
    const pattern = endpoint.path.split("/");
    const parts = path.split("/");
    if (pattern.length !== parts.length) continue;
    let id = "";
    const ok = pattern.every((segment, index) => {
      const part = parts[index] as string;
      if (segment !== ":id") return segment === part;
      id = decodeSegment(part);
      return id !== "";
    });
    if (ok) return { endpoint, id };
  }
  return undefined;
}

function authorized(request: Request): StandInError | undefined {
  const header = request.headers.get("authorization") ?? "";
  const key = header.startsWith("Bearer ") ? header.slice(7) : "";
  if (key === "") {
    return new StandInError(
      401,
      "invalid_request_error",
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
    );
  }
  if (!/^(sk|rk)_test_\w+$/.test(key)) {
    return new StandInError(
      401,
      "invalid_request_error",
      "Invalid API Key provided: the stand-in takes test keys only.",
      {
        code: "api_key_invalid",
      },
    );
  }
  return undefined;
}

/**
 * The stand-in's Web handler: Stripe's API under `/v1/…` (with Stripe's idempotency-key rules:
 * the same key and parameters replay the first answer; the same key with other parameters or on
 * another endpoint → 400 `idempotency_error`), and the hosted pages under `/checkout/…`, `/portal/…`.
 */
export function createStandInApi(account: Account, log: StandInRequest[]): (request: Request) => Promise<Response> {
  const saved = new Map<string, SavedResponse>();
  const answerApi = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const method = request.method.toUpperCase();
    const text = method === "GET" || method === "HEAD" ? url.search.slice(1) : await request.text();
    if (!url.pathname.startsWith("/v1/")) return servePage(account, method, url, text);
    const search = new URLSearchParams(text);
    const params = parseParams(search);
    const idempotencyKey = request.headers.get("idempotency-key") ?? undefined;
    const requestId = account.id("req", 14);
    const entry: StandInRequest = {
      method,
      path: url.pathname,
      idempotencyKey,
      form: flattenForm(search),
      params,
      status: 0,
      requestId,
    };
    log.push(entry);
    const apiVersion = request.headers.get("stripe-version") ?? account.apiVersion;
    const answer = (status: number, body: string, id = requestId, extra: Record<string, string> = {}) => {
      entry.status = status;
      return json(status, body, id, { "stripe-version": apiVersion, ...extra });
    };
    const denied = authorized(request);
    if (denied) return answer(denied.status, JSON.stringify(denied));
    const found = match(method, url.pathname);
    if (!found) {
      const error = new StandInError(
        404,
        "invalid_request_error",
        `Unrecognized request URL (${method}: ${url.pathname}).`,
      );
      return answer(404, JSON.stringify(error));
    }
    const endpoint = `${method} ${url.pathname}`;
    const useKey = method === "POST" && idempotencyKey !== undefined;
    if (useKey) {
      if (idempotencyKey.length > 255) {
        return answer(
          400,
          JSON.stringify(
            new StandInError(400, "invalid_request_error", "Idempotency-Key is longer than 255 characters."),
          ),
        );
      }
      const previous = saved.get(idempotencyKey);
      if (previous && previous.created + KEY_TTL_SECONDS > account.now()) {
        if (previous.endpoint !== endpoint) {
          const message = `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${previous.endpoint}' vs '${endpoint}'). Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`;
          return answer(400, JSON.stringify(new StandInError(400, "idempotency_error", message)));
        }
        if (previous.params !== canonical(params)) {
          const message = `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`;
          return answer(400, JSON.stringify(new StandInError(400, "idempotency_error", message)));
        }
        return answer(previous.status, previous.body, previous.requestId, { "idempotent-replayed": "true" });
      }
    }
    try {
      const result = found.endpoint.handle({
        account,
        params,
        id: found.id,
        apiVersion,
        request: { id: requestId, idempotency_key: idempotencyKey ?? null },
      });
      const body = JSON.stringify(result);
      if (useKey) {
        saved.set(idempotencyKey, {
          endpoint,
          params: canonical(params),
          status: 200,
          body,
          requestId,
          created: account.now(),
        });
      }
      return answer(200, body);
    } catch (error) {
      // Stripe keeps no result for a request that failed validation: the same key may be retried.
      if (error instanceof StandInError) return answer(error.status, JSON.stringify(error));
      const message = `The stand-in failed: ${error instanceof Error ? error.message : String(error)}`;
      return answer(500, JSON.stringify(new StandInError(500, "api_error", message)));
    }
  };
  return async function standInApi(request) {
    try {
      return await answerApi(request);
    } catch (error) {
      // A malformed path (bad percent-encoding) or a bug: answered like Stripe's 500, never a dropped socket.
      const message = `The stand-in failed: ${error instanceof Error ? error.message : String(error)}`;
      return json(500, JSON.stringify(new StandInError(500, "api_error", message)), "req_stand_in_error");
    }
  };
}

import type { RouteContext } from "../http/context.js";
import { TollgateError } from "../http/errors.js";

const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * The request body (already read by `bodyLimit`) as a JSON object. A body that is not
 * `application/json` is 415; malformed JSON or a non-object is 400 `VALIDATION_ERROR`. With
 * `optional`, an empty body is `{}`.
 */
export function jsonObjectBody(ctx: RouteContext, options: { optional?: boolean } = {}): Record<string, unknown> {
  const body = ctx.rawBody ?? new Uint8Array(0);
  if (options.optional && body.length === 0) return {};
  const type = ctx.headers.get("content-type")?.split(";", 1)[0]?.trim().toLowerCase();
  if (type !== "application/json") throw new TollgateError("UNSUPPORTED_MEDIA_TYPE");
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(body));
  } catch {
    throw new TollgateError("VALIDATION_ERROR", { details: { body: ["The body is not valid JSON."] } });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TollgateError("VALIDATION_ERROR", { details: { body: ["The body must be a JSON object."] } });
  }
  return value as Record<string, unknown>;
}

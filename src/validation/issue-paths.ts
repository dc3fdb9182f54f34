import type { z } from "zod";
import { TollgateError } from "../http/errors.js";

/** At most this many paths are recorded: enough to fix a payload, bounded for a hostile one. */
const MAX_PATHS = 10;

/**
 * The paths of the fields a schema refused, e.g. `["items.data[0].price", "status"]`: what failed,
 * never the value (payloads carry emails and names). An issue about the whole value is `"(root)"`.
 */
export function issuePaths(error: z.ZodError): string[] {
  const paths = new Set<string>();
  for (const issue of error.issues) {
    if (paths.size >= MAX_PATHS) break;
    paths.add(formatPath(issue.path));
  }
  return [...paths];
}

function formatPath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const key of path) {
    if (typeof key === "number") text += `[${key}]`;
    else text += text === "" ? String(key) : `.${String(key)}`;
  }
  return text === "" ? "(root)" : text;
}

/**
 * 400 `INVALID_PAYLOAD` for an event whose `what` (e.g. "subscription") failed `error`'s schema: the
 * message names the failing field paths, the audit entry records them as `invalidFields`.
 */
export function invalidPayload(what: string, error: z.ZodError): TollgateError {
  const fields = issuePaths(error);
  return new TollgateError("INVALID_PAYLOAD", {
    message: `The event does not carry a valid ${what} (invalid: ${fields.join(", ")}).`,
    fields,
  });
}

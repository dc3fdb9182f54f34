import { TollgateError } from "./errors.js";

/**
 * Normalises `string | string[]` secrets. Whitespace around a secret (a pasted newline, a stray
 * space in `.env`) is trimmed: it would otherwise turn every delivery into `INVALID_SIGNATURE` and
 * a stream of security warnings. In a rotation list, `undefined`, `null` and empty entries are
 * skipped (`[NEW, process.env.OLD]` keeps working once `OLD` is removed); no usable secret at all,
 * or an entry that is not a string, is a per-request `CONFIGURATION_ERROR`.
 */
export function secretList(secrets: unknown, what: string): string[] {
  const list = Array.isArray(secrets) ? secrets : [secrets];
  const valid: string[] = [];
  for (const secret of list) {
    if (secret === undefined || secret === null) continue;
    if (typeof secret !== "string") {
      throw new TollgateError("CONFIGURATION_ERROR", { cause: new Error(`${what} must be a string`) });
    }
    const trimmed = secret.trim();
    if (trimmed !== "") valid.push(trimmed);
  }
  if (valid.length === 0) {
    throw new TollgateError("CONFIGURATION_ERROR", { cause: new Error(`${what} is missing or empty`) });
  }
  return valid;
}

/** Checks the type of a secret option at factory time: absent is fine (reported per request), a wrong type is not. */
export function assertSecretShape(value: unknown, name: string): void {
  if (value === undefined || value === null || typeof value === "string") return;
  if (Array.isArray(value) && value.every((item) => typeof item === "string" || item === undefined || item === null)) {
    return;
  }
  throw new TypeError(`tollgate: ${name} must be a string or an array of strings`);
}

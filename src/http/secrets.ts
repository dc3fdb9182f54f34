import { TollgateError } from "./errors.js";

/** Normalises `string | string[]` secrets; an absent, empty or non-string secret is a per-request `CONFIGURATION_ERROR`. */
export function secretList(secrets: unknown, what: string): string[] {
  const list = Array.isArray(secrets) ? secrets : [secrets];
  const valid = list.filter((secret): secret is string => typeof secret === "string" && secret.trim() !== "");
  if (valid.length === 0 || valid.length !== list.length) {
    throw new TollgateError("CONFIGURATION_ERROR", { cause: new Error(`${what} is missing or empty`) });
  }
  return valid;
}

/** Checks the type of a secret option at factory time: absent is fine (reported per request), a wrong type is not. */
export function assertSecretShape(value: unknown, name: string): void {
  if (value === undefined || value === null || typeof value === "string") return;
  if (Array.isArray(value) && value.every((item) => typeof item === "string" || item === undefined)) return;
  throw new TypeError(`tollgate: ${name} must be a string or an array of strings`);
}

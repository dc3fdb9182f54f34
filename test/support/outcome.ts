import { isTollgateError } from "../../src/http/errors.js";

/** `"OK"` when the promise resolves, else the `TollgateError` code it rejected with: one column of a table. */
export async function outcomeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "OK";
  } catch (error) {
    return isTollgateError(error) ? error.code : `not a TollgateError: ${String(error)}`;
  }
}

import type { RouteContext } from "../http/context.js";
import { TollgateError } from "../http/errors.js";
import { maskEmail, normalizeEmail } from "./email.js";

/** Resolves the signed-in user's email from your session; null when nobody is signed in. */
export type AuthResolver = (request: Request) => string | null | undefined | Promise<string | null | undefined>;

/**
 * Decides whose email a request acts for. With `auth`, the identity comes from the server: none →
 * 401, a requested email that differs → 403, and the requested email may be omitted. Without
 * `auth`, the requested email is required and validated. Records the masked email in the audit entry.
 */
export async function resolveEmail(
  ctx: RouteContext,
  auth: AuthResolver | undefined,
  requested: unknown,
): Promise<string> {
  let email: string;
  if (auth === undefined) {
    email = normalizeEmail(requested);
  } else {
    let identity: string | null | undefined;
    try {
      identity = await auth(ctx.request);
    } catch (error) {
      throw new TollgateError("INTERNAL_ERROR", { cause: error });
    }
    if (typeof identity !== "string" || identity.trim() === "") throw new TollgateError("UNAUTHORIZED");
    try {
      email = normalizeEmail(identity, "auth");
    } catch (error) {
      // The resolver returned something that is not an email: a server bug, not the client's.
      throw new TollgateError("INTERNAL_ERROR", { cause: error });
    }
    const present = requested !== undefined && requested !== null && requested !== "";
    if (present && normalizeEmail(requested) !== email) throw new TollgateError("FORBIDDEN");
  }
  ctx.audit.email = maskEmail(email);
  return email;
}

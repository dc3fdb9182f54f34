import { z } from "zod";
import { TollgateError } from "../http/errors.js";
import { lazy } from "./lazy.js";

/** Longest address accepted (RFC 5321's path limit). */
export const MAX_EMAIL_LENGTH = 254;

const emailShape = lazy(() => z.email());

/**
 * Trims and lower-cases an email and checks it is a valid address of at most 254 characters.
 * Anything else is 400 `VALIDATION_ERROR` with `details[field]`.
 *
 * @example
 * normalizeEmail("  Ada@Example.COM ") // "ada@example.com"
 */
export function normalizeEmail(value: unknown, field = "email"): string {
  if (typeof value !== "string" || value.trim() === "") invalid(field, "An email address is required.");
  const email = (value as string).trim().toLowerCase();
  if (email.length > MAX_EMAIL_LENGTH) invalid(field, `An email address has at most ${MAX_EMAIL_LENGTH} characters.`);
  if (!emailShape().safeParse(email).success) invalid(field, "This is not a valid email address.");
  return email;
}

function invalid(field: string, message: string): never {
  throw new TollgateError("VALIDATION_ERROR", { details: { [field]: [message] } });
}

/**
 * `ad***@example.com`: enough to correlate in logs, not enough to identify. Never the whole local
 * part: one of two characters or fewer is masked entirely; a longer one shows its first two.
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at < 1) return "***";
  return `${at <= 2 ? "" : email.slice(0, 2)}***${email.slice(at)}`;
}

/**
 * The data of the Clerk events most apps handle (`user.created`/`user.updated`, `session.*`),
 * checked by hand: the same rules as their schemas in `schemas.ts`, without a schema walk on every
 * delivery. A hand check may only accept what the schema accepts; whatever it refuses goes to the
 * schema, which decides and names the failing field. A table test holds each check and its schema
 * together.
 */

import { isPlainObject } from "../validation/plain-object.js";

/** `z.string().min(1)` */
function isId(value: unknown): boolean {
  return typeof value === "string" && value.length > 0;
}

/** `z.string().nullish()` */
function isOptionalText(value: unknown): boolean {
  return value === undefined || value === null || typeof value === "string";
}

/** `z.number().nullish()` (zod refuses infinite numbers) */
function isOptionalTime(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === "number" && Number.isFinite(value));
}

/** `z.record(z.string(), z.unknown()).nullish()`, for the objects JSON gives (plain prototypes only) */
function isOptionalMetadata(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (!isPlainObject(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function isEmailAddress(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  const { verification } = value;
  return (
    typeof value.id === "string" &&
    typeof value.email_address === "string" &&
    (verification === undefined ||
      verification === null ||
      (isPlainObject(verification) && isOptionalText(verification.status)))
  );
}

/** The `user` schema: a user of `user.created` and `user.updated`. */
export function isClerkUserData(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  const addresses = value.email_addresses;
  if (addresses !== undefined) {
    if (!Array.isArray(addresses)) return false;
    // By index, as the schema reads it: `every` would skip the holes of a sparse array.
    for (let i = 0; i < addresses.length; i++) if (!isEmailAddress(addresses[i])) return false;
  }
  return (
    isId(value.id) &&
    (value.object === undefined || value.object === "user") &&
    isOptionalText(value.primary_email_address_id) &&
    isOptionalText(value.first_name) &&
    isOptionalText(value.last_name) &&
    isOptionalText(value.username) &&
    isOptionalText(value.image_url) &&
    isOptionalMetadata(value.public_metadata) &&
    isOptionalMetadata(value.private_metadata) &&
    isOptionalMetadata(value.unsafe_metadata) &&
    isOptionalTime(value.created_at) &&
    isOptionalTime(value.updated_at)
  );
}

/** The `session` schema: the session of every `session.*` event. */
export function isClerkSessionData(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  return (
    isId(value.id) &&
    isId(value.user_id) &&
    (value.status === undefined || typeof value.status === "string") &&
    isOptionalText(value.client_id) &&
    isOptionalTime(value.last_active_at) &&
    isOptionalTime(value.expire_at)
  );
}

import { z } from "zod";
import { lazy } from "../validation/lazy.js";

/**
 * The schemas of the Clerk event data tollgate validates, built on first use (see `lazy`). Unknown
 * fields pass through every one of them.
 */
export const clerkSchemas = lazy(() => {
  const metadata = z.record(z.string(), z.unknown());
  const unixMs = z.number().nullish();

  /** A Clerk user (`user.created`, `user.updated`). Unknown fields pass through. */
  const clerkUser = z.looseObject({
    id: z.string().min(1),
    object: z.literal("user").optional(),
    email_addresses: z
      .array(
        z.looseObject({
          id: z.string(),
          email_address: z.string(),
          /** Clerk's verification of the address: `status` is `"verified"` once the user proved it. */
          verification: z.looseObject({ status: z.string().nullish() }).nullish(),
        }),
      )
      .default([]),
    primary_email_address_id: z.string().nullish(),
    first_name: z.string().nullish(),
    last_name: z.string().nullish(),
    username: z.string().nullish(),
    image_url: z.string().nullish(),
    public_metadata: metadata.nullish(),
    private_metadata: metadata.nullish(),
    unsafe_metadata: metadata.nullish(),
    created_at: unixMs,
    updated_at: unixMs,
  });

  /** What Clerk sends for a deleted user or organization. */
  const clerkDeleted = z.looseObject({
    id: z.string().min(1).nullish(),
    deleted: z.boolean().optional(),
    object: z.string().optional(),
  });

  const clerkSession = z.looseObject({
    id: z.string().min(1),
    user_id: z.string().min(1),
    status: z.string().optional(),
    client_id: z.string().nullish(),
    last_active_at: unixMs,
    expire_at: unixMs,
  });

  const clerkOrganization = z.looseObject({
    id: z.string().min(1),
    name: z.string().nullish(),
    slug: z.string().nullish(),
    public_metadata: metadata.nullish(),
    private_metadata: metadata.nullish(),
    created_at: unixMs,
    updated_at: unixMs,
  });

  const clerkOrganizationMembership = z.looseObject({
    id: z.string().min(1),
    role: z.string().nullish(),
    organization: z.looseObject({ id: z.string().min(1) }),
    public_user_data: z.looseObject({ user_id: z.string().min(1) }).nullish(),
  });

  /** Who pays in Clerk Billing: a user or an organization. */
  const payer = z.looseObject({
    id: z.string().nullish(),
    user_id: z.string().nullish(),
    organization_id: z.string().nullish(),
    email: z.string().nullish(),
  });

  /**
   * Clerk Billing statuses seen on subscriptions and items (active, past_due, canceled, ended,
   * upcoming, incomplete, abandoned, expired, …); kept as strings so a new status is not an error.
   */
  const billingStatus = z.string().min(1);

  const clerkBillingSubscriptionItem = z.looseObject({
    id: z.string().min(1),
    status: billingStatus,
    plan_id: z.string().nullish(),
    plan: z.looseObject({ id: z.string().nullish(), slug: z.string().nullish(), name: z.string().nullish() }).nullish(),
    plan_period: z.string().nullish(),
    period_start: unixMs,
    period_end: unixMs,
    payer: payer.nullish(),
  });

  const clerkBillingSubscription = z.looseObject({
    id: z.string().min(1),
    status: billingStatus,
    payer_id: z.string().nullish(),
    payer: payer.nullish(),
    items: z.array(clerkBillingSubscriptionItem).nullish(),
    created_at: unixMs,
    updated_at: unixMs,
  });

  const clerkPaymentAttempt = z.looseObject({
    id: z.string().min(1),
    /** `pending`, `paid` or `failed` today. */
    status: z.string().min(1),
    payer: payer.nullish(),
    amount: z.looseObject({ amount: z.number().nullish(), currency: z.string().nullish() }).nullish(),
    paid_at: unixMs,
    failed_at: unixMs,
  });

  return {
    user: clerkUser,
    deleted: clerkDeleted,
    session: clerkSession,
    organization: clerkOrganization,
    organizationMembership: clerkOrganizationMembership,
    billingSubscription: clerkBillingSubscription,
    billingSubscriptionItem: clerkBillingSubscriptionItem,
    paymentAttempt: clerkPaymentAttempt,
  };
});

type ClerkSchemas = ReturnType<typeof clerkSchemas>;

export type ClerkUser = z.infer<ClerkSchemas["user"]>;
export type ClerkDeletedObject = z.infer<ClerkSchemas["deleted"]>;
export type ClerkSession = z.infer<ClerkSchemas["session"]>;
export type ClerkOrganization = z.infer<ClerkSchemas["organization"]>;
export type ClerkOrganizationMembership = z.infer<ClerkSchemas["organizationMembership"]>;
export type ClerkBillingSubscription = z.infer<ClerkSchemas["billingSubscription"]>;
export type ClerkBillingSubscriptionItem = z.infer<ClerkSchemas["billingSubscriptionItem"]>;
export type ClerkPaymentAttempt = z.infer<ClerkSchemas["paymentAttempt"]>;

/**
 * The primary email address of a Clerk user: the entry whose id is `primary_email_address_id`, else
 * the first one, else null.
 *
 * @example
 * "user.created": async (user, ctx) => db.createUser({ clerkId: user.id, email: primaryEmail(user), eventId: ctx.eventId })
 */
export function primaryEmail(user: Pick<ClerkUser, "email_addresses" | "primary_email_address_id">): string | null {
  const addresses = user.email_addresses ?? [];
  const primary = addresses.find((address) => address.id === user.primary_email_address_id) ?? addresses[0];
  return primary?.email_address ?? null;
}

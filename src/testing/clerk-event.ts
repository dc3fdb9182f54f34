/** A Clerk webhook event envelope as Svix delivers it. */
export interface ClerkEventLike {
  type: string;
  object: "event";
  data: Record<string, unknown>;
  timestamp: number;
  instance_id: string;
  [field: string]: unknown;
}

const random = (prefix: string) => `${prefix}_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;

function defaultData(type: string): Record<string, unknown> {
  const [family, action] = type.split(".", 2);
  const now = Date.now();
  if (action === "deleted" && (family === "user" || family === "organization")) {
    return { id: random(family === "user" ? "user" : "org"), deleted: true, object: family };
  }
  switch (family) {
    case "user": {
      const emailId = random("idn");
      return {
        id: random("user"),
        object: "user",
        email_addresses: [
          {
            id: emailId,
            object: "email_address",
            email_address: "ada@example.com",
            verification: { status: "verified" },
          },
        ],
        primary_email_address_id: emailId,
        first_name: "Ada",
        last_name: "Lovelace",
        image_url: "https://img.clerk.com/avatar.png",
        public_metadata: {},
        private_metadata: {},
        unsafe_metadata: {},
        created_at: now,
        updated_at: now,
      };
    }
    case "session":
      return {
        id: random("sess"),
        object: "session",
        user_id: random("user"),
        client_id: random("client"),
        status: "active",
        last_active_at: now,
        expire_at: now + 604_800_000,
      };
    case "organization":
      return {
        id: random("org"),
        object: "organization",
        name: "Acme",
        slug: "acme",
        public_metadata: {},
        created_at: now,
        updated_at: now,
      };
    case "organizationMembership":
      return {
        id: random("orgmem"),
        object: "organization_membership",
        role: "org:member",
        organization: { id: random("org"), name: "Acme" },
        public_user_data: { user_id: random("user") },
      };
    case "subscription":
      return {
        id: random("csub"),
        object: "commerce_subscription",
        status: action === "pastDue" || action === "past_due" ? "past_due" : "active",
        payer: { user_id: random("user"), email: "ada@example.com" },
        items: [],
        created_at: now,
        updated_at: now,
      };
    case "subscriptionItem":
      return {
        id: random("csubi"),
        object: "commerce_subscription_item",
        status: action ?? "active",
        plan: { id: random("cplan"), slug: "pro", name: "Pro" },
        plan_period: "month",
        payer: { user_id: random("user"), email: "ada@example.com" },
        period_start: now,
        period_end: now + 2_592_000_000,
      };
    case "paymentAttempt":
      return {
        id: random("cpay"),
        object: "commerce_payment",
        status: "paid",
        payer: { user_id: random("user"), email: "ada@example.com" },
        amount: { amount: 2000, currency: "USD" },
        paid_at: now,
      };
    default:
      return { id: random("obj") };
  }
}

/**
 * Builds a realistic Clerk webhook event for tests and local development: `data` is shallow-merged over
 * defaults for the type (a `user.created` user has one primary email), `overrides` over the envelope.
 * `JSON.stringify` it, sign the string with `signSvixPayload`, and send the same string.
 *
 * @example
 * const event = clerkEvent("user.created", { id: "user_123" });
 */
export function clerkEvent(
  type: string,
  data: Record<string, unknown> = {},
  overrides: Record<string, unknown> = {},
): ClerkEventLike {
  return {
    type,
    object: "event",
    data: { ...defaultData(type), ...data },
    timestamp: Date.now(),
    instance_id: "ins_tollgate_test",
    ...overrides,
  };
}

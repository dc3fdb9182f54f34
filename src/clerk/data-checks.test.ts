import { describe, expect, it } from "vitest";
import { isClerkSessionData, isClerkUserData } from "./data-checks.js";
import { dataCheckOf } from "./events.js";
import { clerkSchemas } from "./schemas.js";

// The shape of the user in Clerk's documented `user.created` payload.
const user = {
  birthday: "",
  created_at: 1654012591514,
  email_addresses: [
    {
      email_address: "example@example.org",
      id: "idn_29w83yL7CwVlJXylYLxcslromF1",
      linked_to: [],
      object: "email_address",
      verification: { status: "verified", strategy: "ticket" },
    },
  ],
  external_accounts: [],
  external_id: "567772",
  first_name: "Example",
  gender: "",
  id: "user_29w83sxmDNGwOuEthce5gg56FcC",
  image_url: "https://img.clerk.com/xxxxxx",
  last_name: "Example",
  last_sign_in_at: 1654012591514,
  object: "user",
  password_enabled: true,
  phone_numbers: [],
  primary_email_address_id: "idn_29w83yL7CwVlJXylYLxcslromF1",
  primary_phone_number_id: null,
  primary_web3_wallet_id: null,
  private_metadata: {},
  profile_image_url: "https://www.gravatar.com/avatar?d=mp",
  public_metadata: {},
  two_factor_enabled: false,
  unsafe_metadata: {},
  updated_at: 1654012591835,
  username: null,
  web3_wallets: [],
};

// The shape of the session in Clerk's documented `session.created` payload.
const session = {
  abandon_at: 1657372790311,
  client_id: "client_2F2LAjoQ8o1ebq8yvBIk2sENbqw",
  created_at: 1654780790311,
  expire_at: 1655385590311,
  id: "sess_2F2LAi6xwUWlQ6w9PTc2ld8O2Zp",
  last_active_at: 1654780790311,
  object: "session",
  status: "active",
  updated_at: 1654780790329,
  user_id: "user_2F2LAiBdbD03GjNEAc5vOZT5kzA",
};

const withAddress = (address: unknown) => ({ ...user, email_addresses: [address] });
// A hole at 0, as `new Array(2)` leaves it.
const sparse: unknown[] = new Array(2);
sparse[1] = user.email_addresses[0];

describe("the hand-written user check", () => {
  it.each<[string, unknown, boolean]>([
    ["Clerk's documented user", user, true],
    ["only an id", { id: "user_1" }, true],
    ["no email_addresses (the schema defaults them)", { ...user, email_addresses: undefined }, true],
    ["no email addresses", { ...user, email_addresses: [] }, true],
    ["an address without verification", withAddress({ id: "idn_1", email_address: "a@example.org" }), true],
    [
      "an address with verification null",
      withAddress({ id: "idn_1", email_address: "a@example.org", verification: null }),
      true,
    ],
    ["metadata null", { ...user, public_metadata: null }, true],
    ["metadata with a null prototype", { ...user, public_metadata: Object.create(null) }, true],
    ["times null", { ...user, created_at: null, updated_at: null }, true],
    ["unknown fields", { ...user, extra: [1, { deep: true }] }, true],
    ["id empty", { ...user, id: "" }, false],
    ["id missing", { ...user, id: undefined }, false],
    ["id a number", { ...user, id: 1 }, false],
    ["object another kind", { ...user, object: "session" }, false],
    ["object null", { ...user, object: null }, false],
    ["email_addresses null", { ...user, email_addresses: null }, false],
    ["email_addresses an object", { ...user, email_addresses: {} }, false],
    ["email_addresses sparse", { ...user, email_addresses: sparse }, false],
    ["an address without email_address", withAddress({ id: "idn_1" }), false],
    ["an address with a numeric id", withAddress({ id: 1, email_address: "a@example.org" }), false],
    ["an address null", withAddress(null), false],
    ["an address an array", withAddress([]), false],
    [
      "verification a string",
      withAddress({ id: "idn_1", email_address: "a@example.org", verification: "verified" }),
      false,
    ],
    [
      "verification status a number",
      withAddress({ id: "idn_1", email_address: "a", verification: { status: 1 } }),
      false,
    ],
    ["first_name a number", { ...user, first_name: 1 }, false],
    ["username an object", { ...user, username: {} }, false],
    ["primary_email_address_id a number", { ...user, primary_email_address_id: 7 }, false],
    ["metadata an array", { ...user, private_metadata: [] }, false],
    ["metadata a string", { ...user, unsafe_metadata: "{}" }, false],
    ["created_at a string", { ...user, created_at: "1654012591514" }, false],
    ["updated_at infinite", { ...user, updated_at: Number.POSITIVE_INFINITY }, false],
    ["updated_at NaN", { ...user, updated_at: Number.NaN }, false],
    ["an array", [user], false],
    ["null", null, false],
    ["a string", "user_1", false],
  ])("agrees with the schema on %s", (_case, value, accepted) => {
    // The hand check may accept only what the schema accepts; the schema is the contract.
    expect(clerkSchemas().user.safeParse(value).success).toBe(accepted);
    expect(isClerkUserData(value)).toBe(accepted);
  });
});

describe("the hand-written session check", () => {
  it.each<[string, unknown, boolean]>([
    ["Clerk's documented session", session, true],
    ["only the ids", { id: "sess_1", user_id: "user_1" }, true],
    ["client_id null", { ...session, client_id: null }, true],
    ["times null", { ...session, last_active_at: null, expire_at: null }, true],
    ["unknown fields", { ...session, actor: { sub: "user_2" } }, true],
    ["id empty", { ...session, id: "" }, false],
    ["user_id missing", { ...session, user_id: undefined }, false],
    ["user_id empty", { ...session, user_id: "" }, false],
    ["status null", { ...session, status: null }, false],
    ["status a number", { ...session, status: 1 }, false],
    ["client_id a number", { ...session, client_id: 1 }, false],
    ["expire_at a string", { ...session, expire_at: "1655385590311" }, false],
    ["last_active_at infinite", { ...session, last_active_at: Number.NEGATIVE_INFINITY }, false],
    ["an array", [session], false],
    ["null", null, false],
  ])("agrees with the schema on %s", (_case, value, accepted) => {
    expect(clerkSchemas().session.safeParse(value).success).toBe(accepted);
    expect(isClerkSessionData(value)).toBe(accepted);
  });
});

describe("dataCheckOf", () => {
  it.each<[string, "user" | "session" | "deleted" | "organization" | null, boolean]>([
    ["user.created", "user", true],
    ["user.updated", "user", true],
    ["user.deleted", "deleted", false],
    ["session.created", "session", true],
    ["session.revoked", "session", true],
    ["organization.created", "organization", false],
    ["organization.deleted", "deleted", false],
    ["email.created", null, false],
    ["deleted.created", null, false],
    ["constructor.created", null, false],
    ["nodot", null, false],
  ])("%s → the %s schema, checked by hand first: %s", (type, schema, byHand) => {
    const check = dataCheckOf(type);
    if (schema === null) return expect(check).toBeUndefined();
    expect(check?.schema()).toBe(clerkSchemas()[schema]);
    expect(check?.byHand !== undefined).toBe(byHand);
  });
});

import { invalid, noSuch } from "./errors.js";
import { type Param, type Params, stringParam } from "./form.js";
import type { StripeObject } from "./state.js";

/** Stripe's list envelope. */
export interface ListPage {
  object: "list";
  data: StripeObject[];
  has_more: boolean;
  url: string;
}

function integer(value: string, param: string): number {
  if (!/^-?\d+$/.test(value)) throw invalid(param, `Invalid integer: ${value}`, "parameter_invalid_integer");
  return Number(value);
}

/**
 * Stripe's `created` filter: a unix time (`created=…`) or a range (`created[gte]=…`, `gt`, `lte`, `lt`).
 * Returns a predicate on a `created` value.
 */
export function createdFilter(value: Param | undefined): (created: number) => boolean {
  if (value === undefined) return () => true;
  if (typeof value === "string") {
    const at = integer(value, "created");
    return (created) => created === at;
  }
  if (Array.isArray(value)) throw invalid("created", "Invalid created: must be an integer or a hash of gt/gte/lt/lte.");
  const bounds: ((created: number) => boolean)[] = [];
  for (const [op, raw] of Object.entries(value)) {
    if (typeof raw !== "string") throw invalid(`created[${op}]`, `Invalid created[${op}].`);
    const at = integer(raw, `created[${op}]`);
    if (op === "gt") bounds.push((created) => created > at);
    else if (op === "gte") bounds.push((created) => created >= at);
    else if (op === "lt") bounds.push((created) => created < at);
    else if (op === "lte") bounds.push((created) => created <= at);
    else throw invalid(`created[${op}]`, `Received unknown parameter: created[${op}]`, "parameter_unknown");
  }
  return (created) => bounds.every((bound) => bound(created));
}

/**
 * One page of `all` (newest first) as Stripe pages it: the items `keep` accepts, `limit` of them (1–100,
 * default 10), after the `starting_after` id or before the `ending_before` id (found in `all`, so a
 * cursor stays valid whatever the filters), and `has_more`. A cursor id Stripe does not know → 400
 * resource_missing, as Stripe answers.
 */
export function paginate(
  all: StripeObject[],
  keep: (item: StripeObject) => boolean,
  params: Params,
  url: string,
  what: string,
): ListPage {
  const rawLimit = stringParam(params, "limit");
  const limit = rawLimit === undefined ? 10 : integer(rawLimit, "limit");
  if (limit < 1 || limit > 100) {
    throw invalid("limit", "This value must be greater than or equal to 1 and less than or equal to 100.");
  }
  const after = stringParam(params, "starting_after");
  const before = stringParam(params, "ending_before");
  const indexOf = (id: string, param: string) => {
    const index = all.findIndex((item) => item.id === id);
    if (index < 0) throw noSuch(what, id, param);
    return index;
  };
  if (before !== undefined && after === undefined) {
    const earlier = all.slice(0, indexOf(before, "ending_before")).filter(keep);
    const data = earlier.slice(Math.max(0, earlier.length - limit));
    return { object: "list", data, has_more: earlier.length > limit, url };
  }
  const rest = all.slice(after === undefined ? 0 : indexOf(after, "starting_after") + 1).filter(keep);
  return { object: "list", data: rest.slice(0, limit), has_more: rest.length > limit, url };
}

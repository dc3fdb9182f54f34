/** A decoded Stripe request parameter: a string, or nested objects and arrays of them. */
export type Param = string | Param[] | { [key: string]: Param };
export type Params = { [key: string]: Param };

const KEY = /^([^[\]]+)((?:\[[^[\]]*\])*)$/;

/**
 * Decodes Stripe's form encoding (`line_items[0][price]=…`, `metadata[userId]=…`, `expand[]=…`,
 * `expand[0]=…`) into nested objects and arrays, as Stripe's API reads it. A key that does not
 * parse is kept as it is.
 */
export function parseParams(search: URLSearchParams): Params {
  const root: Params = {};
  for (const [name, value] of search) {
    const match = KEY.exec(name);
    if (!match) {
      root[name] = value;
      continue;
    }
    const path = [match[1] as string, ...[...(match[2] ?? "").matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1] as string)];
    assign(root, path, value);
  }
  return compactArrays(root) as Params;
}

function assign(root: Params, path: string[], value: string): void {
  let node: Record<string, Param> | Param[] = root;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i] as string;
    const last = i === path.length - 1;
    const nextIsArray = !last && (path[i + 1] === "" || /^\d+$/.test(path[i + 1] as string));
    if (Array.isArray(node)) {
      const index = segment === "" ? node.length : Number(segment);
      if (last) node[index] = value;
      else {
        node[index] ??= nextIsArray ? [] : {};
        node = node[index] as Record<string, Param> | Param[];
      }
      continue;
    }
    if (last) node[segment] = value;
    else {
      const existing = node[segment];
      if (typeof existing !== "object") node[segment] = nextIsArray ? [] : {};
      node = node[segment] as Record<string, Param> | Param[];
    }
  }
}

/** Sparse indices (`a[3]` alone) become a dense array, as Stripe reads them. */
function compactArrays(value: Param): Param {
  if (Array.isArray(value)) return value.filter((item) => item !== undefined).map(compactArrays);
  if (typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, compactArrays(item)]));
  }
  return value;
}

/** The form flattened to `name → value` pairs, as sent (the last of a repeated name wins). */
export function flattenForm(search: URLSearchParams): Record<string, string> {
  return Object.fromEntries(search);
}

/** The same params compare equal whatever the order of their keys (for idempotency checks). */
export function canonical(value: Param | undefined): string {
  if (value === undefined) return "";
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`).join(",")}}`;
}

/** `params[name]` as a string, or undefined. */
export function stringParam(params: Params, name: string): string | undefined {
  const value = params[name];
  return typeof value === "string" ? value : undefined;
}

/** `params[name]` as a record of strings (metadata), or `{}`. */
export function recordParam(params: Params, name: string): Record<string, string> {
  const value = params[name];
  if (typeof value !== "object" || Array.isArray(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  );
}

/** `params[name]` as a list (`expand[]`, `types[]`), or `[]`. */
export function listParam(params: Params, name: string): Param[] {
  const value = params[name];
  if (Array.isArray(value)) return value;
  if (typeof value === "object") return Object.values(value);
  return value === undefined ? [] : [value];
}

/** A path segment decoded, or as it is when its percent-encoding is malformed. */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

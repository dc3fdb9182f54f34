import type { HeaderReader } from "./context.js";

/** How the source IP of a request is decided; see docs/security.md, "Deploying behind proxies". */
export interface SourceIpOptions {
  /**
   * How many proxies you run in front of the app, each appending the address it saw to
   * `x-forwarded-for`. The source IP is the `proxyHops`-th entry from the right: the address your
   * outermost proxy saw, which a client cannot forge. `0` trusts no header at all (a Node server
   * that faces the internet directly: the socket address is used).
   * @default 1
   */
  proxyHops?: number;
  /**
   * Decides the client IP yourself (e.g. `(r) => r.headers.get("cf-connecting-ip")`), replacing
   * the resolution entirely. Return null when unknown. Whatever it returns is trusted for audit
   * entries, the default rate-limit key and the repeated-failure warning.
   */
  clientIp?: (request: Request) => string | null | undefined;
}

// Characters an IPv4 or IPv6 address (with an IPv6 zone) may hold; anything else is not an address.
const ADDRESS = /^[0-9a-f:.]+(%[0-9a-z_.-]+)?$/i;
// Compiled once, not per request.
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const IPV4_WITH_PORT = /^\d{1,3}(\.\d{1,3}){3}:\d+$/;
const IPV4_MAPPED = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/;

/**
 * An address as a proxy wrote it → the bare address, or null when it is none: ports and brackets
 * are removed (`[2001:db8::1]:443`, `203.0.113.5:8080`), IPv4-mapped IPv6 becomes IPv4.
 */
export function normalizeIp(value: string | null | undefined): string | null {
  if (typeof value !== "string") return null;
  let ip = value.trim();
  if (ip === "" || ip.length > 64) return null;
  if (ip.startsWith("[")) {
    const end = ip.indexOf("]");
    if (end === -1) return null;
    ip = ip.slice(1, end);
  } else if (IPV4_WITH_PORT.test(ip)) {
    ip = ip.slice(0, ip.lastIndexOf(":"));
  }
  if (!ADDRESS.test(ip) || (!ip.includes(":") && !IPV4.test(ip))) return null;
  ip = ip.toLowerCase();
  const mapped = IPV4_MAPPED.exec(ip);
  return mapped ? (mapped[1] as string) : ip;
}

/**
 * The client address proxies report: the `proxyHops`-th entry from the right of `x-forwarded-for`
 * (default 1, the address the nearest proxy saw), else `x-real-ip`; null when neither holds an
 * address or `proxyHops` is 0. A chain shorter than `proxyHops` yields its first entry.
 */
export function sourceIpOf(headers: HeaderReader, proxyHops = 1): string | null {
  if (proxyHops === 0) return null;
  const forwarded = headers.get("x-forwarded-for");
  if (forwarded) {
    const hops = forwarded.split(",");
    const entry = hops[Math.max(0, hops.length - proxyHops)];
    const ip = normalizeIp(entry);
    if (ip !== null) return ip;
  }
  return normalizeIp(headers.get("x-real-ip"));
}

/** Checks `proxyHops` and `clientIp` once, at creation. */
export function resolveSourceIpOptions(
  options: SourceIpOptions,
): Required<Pick<SourceIpOptions, "proxyHops">> & Pick<SourceIpOptions, "clientIp"> {
  const { proxyHops = 1, clientIp } = options;
  if (!Number.isInteger(proxyHops) || proxyHops < 0) {
    throw new TypeError("tollgate: proxyHops must be a non-negative integer");
  }
  if (clientIp !== undefined && typeof clientIp !== "function") {
    throw new TypeError("tollgate: clientIp must be a function");
  }
  return { proxyHops, clientIp };
}

/**
 * The rate-limit bucket of an address: IPv4 as it is, IPv6 grouped by its /64 (one customer's
 * network: a single host can use any of its 2^64 addresses).
 */
export function addressGroup(ip: string): string {
  if (!ip.includes(":")) return ip;
  const groups = expandIpv6(ip.split("%")[0] as string);
  return groups === null ? ip : `${groups.slice(0, 4).join(":")}::/64`;
}

function expandIpv6(ip: string): string[] | null {
  let text = ip;
  const v4 = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const head = halves[0] === "" ? [] : (halves[0] as string).split(":");
  const tail = halves.length === 2 && halves[1] !== "" ? (halves[1] as string).split(":") : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return null;
  const groups = [...head, ...Array<string>(missing).fill("0"), ...tail];
  if (groups.some((group) => !/^[0-9a-f]{1,4}$/.test(group))) return null;
  return groups.map((group) => group.replace(/^0+(?=.)/, ""));
}

import { describe, expect, it } from "vitest";
import { toBytes, toHex } from "./encoding.js";
import * as web from "./hmac.js";
import * as node from "./hmac-node.js";

// RFC 4231 test cases 1, 2 and 6 (key longer than the block size).
const RFC_4231 = [
  [
    "case 1",
    new Uint8Array(20).fill(0x0b),
    "Hi There",
    "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
  ],
  [
    "case 2",
    toBytes("Jefe"),
    "what do ya want for nothing?",
    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
  ],
  [
    "case 6",
    new Uint8Array(131).fill(0xaa),
    "Test Using Larger Than Block-Size Key - Hash Key First",
    "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
  ],
] as const;

describe.each([
  ["Web Crypto", web, "web-crypto"],
  ["node:crypto", node, "node-crypto"],
] as const)("hmacSha256 with %s", (_name, hmac, implementation) => {
  it(`reports itself as ${implementation}`, () => {
    expect(hmac.HMAC_IMPLEMENTATION).toBe(implementation);
  });

  it.each(RFC_4231)("matches RFC 4231 %s", async (name, bytes, message, expected) => {
    const key = { id: `rfc4231-${name}-${implementation}`, bytes };
    expect(toHex(await hmac.hmacSha256(key, message, new Uint8Array(0)))).toBe(expected);
    expect(toHex(await hmac.hmacSha256(key, "", toBytes(message)))).toBe(expected);
  });

  it.each([
    ["timestamp prefix, body", "1700000000.", '{"id":"evt_test","object":"event"}'],
    ["split mid-way", '1700000000.{"id":"evt', '_test","object":"event"}'],
    ["empty prefix", "", '1700000000.{"id":"evt_test","object":"event"}'],
    ["empty body", '1700000000.{"id":"evt_test","object":"event"}', ""],
  ])("hashes the prefix followed by the body (%s)", async (_case, prefix, body) => {
    const key = { id: `stripe-vector-${implementation}`, bytes: toBytes("whsec_test_secret") };
    const digest = await hmac.hmacSha256(key, prefix, toBytes(body));
    expect(toHex(digest)).toBe("8042376f6ca064adbe037642a718227dfd59047137eb49497a54c49eb0cfb724");
  });

  it("encodes a non-ASCII prefix as UTF-8, as the body bytes it is followed by", async () => {
    const key = { id: `utf8-${implementation}`, bytes: toBytes("k") };
    const whole = await hmac.hmacSha256(key, "", toBytes("é.{}"));
    expect(toHex(await hmac.hmacSha256(key, "é.", toBytes("{}")))).toBe(toHex(whole));
  });

  it("keys the digest: another key, another digest", async () => {
    const message = toBytes("same message");
    const a = await hmac.hmacSha256({ id: `a-${implementation}`, bytes: toBytes("key-a") }, "", message);
    const b = await hmac.hmacSha256({ id: `b-${implementation}`, bytes: toBytes("key-b") }, "", message);
    expect(a).toHaveLength(32);
    expect(toHex(a)).not.toBe(toHex(b));
  });
});

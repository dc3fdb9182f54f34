import { describe, expect, it } from "vitest";
import { equalsHex, fromBase64, timingSafeEqual, toBase64, toBytes, toHex, utf8 } from "./encoding.js";

const bytes = (...values: number[]) => new Uint8Array(values);

describe("hex", () => {
  it.each([
    ["lower-case", "00ff10ab", bytes(0x00, 0xff, 0x10, 0xab)],
    ["upper-case", "00FF10AB", bytes(0x00, 0xff, 0x10, 0xab)],
    ["empty", "", bytes()],
    ["odd length", "abc", null],
    ["a non-hex digit", "zz", null],
    ["a sign", "-1", null],
    ["non-ASCII", "é0", null],
  ])("equalsHex reads %s text", (_case, text, expected) => {
    // Text that spells no bytes matches none, not even bytes of its own length.
    expect(equalsHex(expected ?? new Uint8Array(Math.floor(text.length / 2)), text)).toBe(expected !== null);
  });

  it("toHex writes two lower-case digits per byte", () => {
    expect(toHex(bytes(0, 1, 15, 16, 255))).toBe("00010f10ff");
  });
});

describe("base64", () => {
  it.each([
    ["padded", "aGk=", bytes(0x68, 0x69)],
    ["unpadded", "aGk", bytes(0x68, 0x69)],
    ["with + and /", "+/8=", bytes(0xfb, 0xff)],
    ["empty", "", bytes()],
    ["url-safe alphabet", "-_8=", null],
    ["whitespace", "aG k=", null],
    ["too much padding", "aGk===", null],
    ["impossible length", "a", null],
  ])("fromBase64 reads %s text", (_case, text, expected) => {
    expect(fromBase64(text)).toEqual(expected);
  });

  it("round-trips every byte value", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(fromBase64(toBase64(all))).toEqual(all);
  });
});

describe("utf-8", () => {
  it("returns a Uint8Array as it is, without copying or re-encoding", () => {
    const raw = bytes(0xff, 0xfe, 0x00);
    expect(toBytes(raw)).toBe(raw);
  });

  it("encodes strings as UTF-8", () => {
    expect(toBytes("é€")).toEqual(bytes(0xc3, 0xa9, 0xe2, 0x82, 0xac));
    expect(utf8(bytes(0xc3, 0xa9))).toBe("é");
  });
});

describe("timingSafeEqual", () => {
  it.each([
    ["equal", bytes(1, 2, 3), bytes(1, 2, 3), true],
    ["both empty", bytes(), bytes(), true],
    ["last byte differs", bytes(1, 2, 3), bytes(1, 2, 4), false],
    ["first byte differs", bytes(0, 2, 3), bytes(1, 2, 3), false],
    ["prefix", bytes(1, 2), bytes(1, 2, 3), false],
    ["longer", bytes(1, 2, 3, 0), bytes(1, 2, 3), false],
  ])("%s → %s", (_case, a, b, expected) => {
    expect(timingSafeEqual(a, b)).toBe(expected);
  });
});

describe("equalsHex", () => {
  const bytes = Uint8Array.from([0x00, 0x7f, 0xab, 0xff]);
  it.each([
    ["lower case", "007fabff", true],
    ["upper case", "007FABFF", true],
    ["one nibble off", "007fabfe", false],
    ["first nibble off", "107fabff", false],
    ["too short", "007fab", false],
    ["too long", "007fabff00", false],
    ["a non-hex character", "007fabfg", false],
    ["non-hex characters that would XOR to zero", "00\u007f\u00ab", false],
    ["a character beyond ASCII", "007fab\u00ff\u00ff", false],
    ["empty", "", false],
  ])("%s: %s → %s", (_case, hex, equal) => {
    expect(equalsHex(bytes, hex)).toBe(equal);
  });
});

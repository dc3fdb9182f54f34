import { describe, expect, it } from "vitest";
import { canonical, parseParams } from "./form.js";

describe("parseParams (Stripe's form encoding)", () => {
  it.each([
    ["email=a%40b.c", { email: "a@b.c" }],
    ["metadata[userId]=u1&metadata[plan]=pro", { metadata: { userId: "u1", plan: "pro" } }],
    [
      "line_items[0][price]=p1&line_items[0][quantity]=2&line_items[1][price]=p2",
      { line_items: [{ price: "p1", quantity: "2" }, { price: "p2" }] },
    ],
    ["expand[]=subscription&expand[]=customer", { expand: ["subscription", "customer"] }],
    ["expand[0]=subscription&expand[1]=customer", { expand: ["subscription", "customer"] }],
    ["types[3]=a", { types: ["a"] }],
    ["created[gte]=10&created[lt]=20", { created: { gte: "10", lt: "20" } }],
    ["subscription_data[billing_mode][type]=flexible", { subscription_data: { billing_mode: { type: "flexible" } } }],
    ["a%5Bb%5D=encoded", { a: { b: "encoded" } }],
    ["odd]=x&[y]=z", { "odd]": "x", "[y]": "z" }],
    ["", {}],
  ])("%s", (query, expected) => {
    expect(parseParams(new URLSearchParams(query))).toEqual(expected);
  });
});

describe("canonical", () => {
  it.each([
    [{ a: "1", b: { c: "2" } }, { b: { c: "2" }, a: "1" }, true],
    [{ a: ["1", "2"] }, { a: ["2", "1"] }, false],
    [{ a: "1" }, { a: "1", b: "" }, false],
  ])("%j vs %j → equal %s", (a, b, equal) => {
    expect(canonical(a) === canonical(b)).toBe(equal);
  });
});

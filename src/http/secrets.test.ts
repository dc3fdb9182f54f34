import { describe, expect, it } from "vitest";
import { assertSecretShape, secretList } from "./secrets.js";

describe("secretList", () => {
  it.each([
    ["a secret", "whsec_a", ["whsec_a"]],
    ["a secret with a pasted newline", "whsec_a\n", ["whsec_a"]],
    ["a secret with spaces around it", "  whsec_a\t", ["whsec_a"]],
    ["a rotation list", ["whsec_new", "whsec_old"], ["whsec_new", "whsec_old"]],
    ["a rotation list whose old secret was removed from the env", ["whsec_new", undefined], ["whsec_new"]],
    ["a rotation list with an empty and a null entry", ["", "whsec_new", null, " "], ["whsec_new"]],
    ["a rotation list, trimmed", [" whsec_new ", "whsec_old\r\n"], ["whsec_new", "whsec_old"]],
  ])("%s", (_case, secrets, expected) => {
    expect(secretList(secrets, "Stripe webhook secret")).toEqual(expected);
  });

  it.each([
    ["undefined", undefined],
    ["empty", ""],
    ["whitespace only", " \n"],
    ["a list of nothing usable", [undefined, "", "  "]],
    ["an empty list", []],
    ["a number in a list", ["whsec_a", 42]],
  ])("refuses %s as CONFIGURATION_ERROR", (_case, secrets) => {
    expect(() => secretList(secrets, "Stripe webhook secret")).toThrow(
      expect.objectContaining({ code: "CONFIGURATION_ERROR" }),
    );
  });

  it.each([[["whsec_a", undefined]], [["whsec_a", null]], [undefined], ["whsec_a"]])(
    "accepts the shape %j at creation",
    (value) => {
      expect(() => assertSecretShape(value, "secret")).not.toThrow();
    },
  );
});

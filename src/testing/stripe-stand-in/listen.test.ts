import { describe, expect, it } from "vitest";
import { listen } from "./listen.js";

describe("the stand-in in the Web build (no node:http)", () => {
  it("refuses with an error that says it needs Node", async () => {
    await expect(listen(async () => new Response(null), 0)).rejects.toThrow(/needs Node\.js \(node:http\)/);
  });
});

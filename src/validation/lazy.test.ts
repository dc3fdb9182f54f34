import { describe, expect, it, vi } from "vitest";
import { lazy } from "./lazy.js";

describe("lazy", () => {
  it("builds nothing until asked, then builds once and keeps the value (undefined included)", () => {
    const build = vi.fn(() => undefined);
    const value = lazy(build);
    expect(build).not.toHaveBeenCalled();
    expect(value()).toBeUndefined();
    expect(value()).toBeUndefined();
    expect(build).toHaveBeenCalledTimes(1);
  });

  it("builds again after a throw (nothing was kept)", () => {
    let calls = 0;
    const value = lazy(() => {
      calls++;
      if (calls === 1) throw new Error("first");
      return calls;
    });
    expect(() => value()).toThrow("first");
    expect(value()).toBe(2);
    expect(value()).toBe(2);
  });
});

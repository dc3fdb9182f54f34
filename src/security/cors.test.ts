import { describe, expect, it, vi } from "vitest";
import { compose } from "../http/compose.js";
import { allowMethods } from "./allow-methods.js";
import { type CorsOptions, cors } from "./cors.js";

const APP = "https://app.example";

function route(options: CorsOptions = { origins: [APP] }) {
  const endpoint = vi.fn(() => Response.json({ ok: true }));
  return { handler: compose([cors(options, ["POST"]), allowMethods(["POST"])], endpoint), endpoint };
}

const preflight = (origin?: string) =>
  new Request("https://api.example/x", {
    method: "OPTIONS",
    headers: {
      ...(origin === undefined ? {} : { origin }),
      "access-control-request-method": "POST",
      "access-control-request-headers": "content-type",
    },
  });

const allowHeaders = (response: Response) => ({
  origin: response.headers.get("access-control-allow-origin"),
  methods: response.headers.get("access-control-allow-methods"),
  headers: response.headers.get("access-control-allow-headers"),
  maxAge: response.headers.get("access-control-max-age"),
  credentials: response.headers.get("access-control-allow-credentials"),
  vary: response.headers.get("vary"),
});

const NONE = { origin: null, methods: null, headers: null, maxAge: null, credentials: null, vary: "Origin" };

describe("cors preflight", () => {
  it.each([
    [
      "a listed origin",
      { origins: [APP] },
      APP,
      { ...NONE, origin: APP, methods: "POST, OPTIONS", headers: "content-type, authorization", maxAge: "600" },
    ],
    [
      "a listed origin configured with a trailing slash",
      { origins: [`${APP}/`] },
      APP,
      { ...NONE, origin: APP, methods: "POST, OPTIONS", headers: "content-type, authorization", maxAge: "600" },
    ],
    [
      "a listed origin, custom settings",
      { origins: [APP], methods: ["PUT"], headers: ["x-custom"], maxAgeSeconds: 60, credentials: true },
      APP,
      { origin: APP, methods: "PUT, OPTIONS", headers: "x-custom", maxAge: "60", credentials: "true", vary: "Origin" },
    ],
    ["another origin", { origins: [APP] }, "https://evil.example", NONE],
    ["a listed origin's subdomain", { origins: [APP] }, "https://evil.app.example", NONE],
    ["a listed origin on another scheme", { origins: [APP] }, "http://app.example", NONE],
    ["the string null", { origins: [APP] }, "null", NONE],
    ["no origin", { origins: [APP] }, undefined, NONE],
  ] as const)("from %s → 204 with %o", async (_case, options, origin, expected) => {
    const { handler, endpoint } = route(options as unknown as CorsOptions);
    const response = await handler(preflight(origin));
    expect(response.status).toBe(204);
    expect(await response.text()).toBe("");
    expect(allowHeaders(response)).toEqual(expected);
    expect(endpoint).not.toHaveBeenCalled();
  });
});

describe("cors on actual responses", () => {
  it.each([
    ["a listed origin, success", APP, "POST", 200, APP],
    ["a listed origin, an error (so the browser can read it)", APP, "PUT", 405, APP],
    ["another origin", "https://evil.example", "POST", 200, null],
    ["no origin (server to server)", undefined, "POST", 200, null],
  ])("%s → %i, Access-Control-Allow-Origin %s, Vary: Origin", async (_case, origin, method, status, allowed) => {
    const { handler } = route();
    const response = await handler(
      new Request("https://api.example/x", { method, headers: origin === undefined ? {} : { origin } }),
    );
    expect(response.status).toBe(status);
    expect(response.headers.get("access-control-allow-origin")).toBe(allowed);
    expect(response.headers.get("access-control-allow-methods")).toBeNull();
    expect(response.headers.get("vary")).toBe("Origin");
  });

  it("adds Origin to a Vary the endpoint already set", async () => {
    const handler = compose([cors({ origins: [APP] })], () =>
      Response.json({}, { headers: { vary: "Accept-Encoding" } }),
    );
    const response = await handler(new Request("https://api.example/x", { method: "POST", headers: { origin: APP } }));
    expect(response.headers.get("vary")).toBe("Accept-Encoding, Origin");
  });

  it.each([[undefined], [{}], [{ origins: "https://app.example" }], [{ origins: [1] }]])(
    "refuses options %j with a TypeError",
    (options) => {
      expect(() => cors(options as unknown as CorsOptions)).toThrow(TypeError);
    },
  );
});

// Preloaded into `next start` (NODE_OPTIONS=--require) by the end-to-end test that lets the app build
// its own Stripe client from STRIPE_SECRET_KEY. Any HTTP(S) request to a host other than 127.0.0.1 or
// localhost fails before a socket is opened, and is logged, so the test can see that the SDK was loaded
// and tried to call Stripe without any traffic leaving the machine.
const http = require("node:http");
const https = require("node:https");
const { syncBuiltinESMExports } = require("node:module");

const LOCAL = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

for (const [name, module] of [
  ["http", http],
  ["https", https],
]) {
  const original = module.request;
  module.request = function request(...args) {
    const options = typeof args[0] === "string" || args[0] instanceof URL ? new URL(args[0]) : (args[0] ?? {});
    const host = options.hostname ?? options.host ?? "localhost";
    if (!LOCAL.has(String(host).split(":")[0])) {
      console.error(`[no-network] blocked ${name} request to ${host}`);
      throw Object.assign(new Error(`no network in this test: ${host}`), { code: "ECONNREFUSED" });
    }
    return original.apply(this, args);
  };
}
syncBuiltinESMExports();

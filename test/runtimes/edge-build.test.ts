import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build, type Options } from "tsup";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import config from "../../tsup.config.js";
import { nodeDependencies, nodeDependenciesIn, runtimeFiles, specifiers } from "./support/node-builtins.js";

// Builds the package with its own tsup config into a temporary folder, so the test checks the current
// source whether or not dist/ exists or is stale, and never races another build writing dist/.
const out = mkdtempSync(join(tmpdir(), "tollgate-edge-build-"));
const web = join(out, "dist");

beforeAll(async () => {
  const builds = (Array.isArray(config) ? config : [config]) as Options[];
  // In order: the Web build cleans its folder, then the Node build writes dist/node inside it.
  for (const options of builds) {
    await build({ ...options, outDir: join(out, options.outDir ?? "dist"), config: false, silent: true, dts: false });
  }
}, 120_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("the edge (Web) build", () => {
  it("has every entry in ESM and CommonJS", () => {
    const files = runtimeFiles(web, ["node"]);
    for (const entry of ["index", "security", "testing", "node"]) {
      expect(files).toContain(`${entry}.js`);
      expect(files).toContain(`${entry}.cjs`);
    }
  });

  it("imports no Node built-in and references no Buffer, in any file outside dist/node", () => {
    expect(nodeDependenciesIn(web, ["node"])).toEqual({});
  });

  it("while the Node build does use node:crypto and node:http (so the scan above can see one)", () => {
    const found = Object.values(nodeDependenciesIn(join(web, "node"))).flat();
    expect(found).toContain("node:crypto");
    expect(found).toContain("node:http");
  });

  it("the Stripe stand-in: the Web build says it needs Node; the Node build serves it with node:http", () => {
    const needsNode = (dir: string, skip: string[] = []) =>
      runtimeFiles(dir, skip).some((file) =>
        readFileSync(join(dir, file), "utf8").includes("needs Node.js (node:http)"),
      );
    expect(needsNode(web, ["node"])).toBe(true);
    expect(needsNode(join(web, "node"))).toBe(false);
  });
});

describe("tollgate/react stays apart from the server entries", () => {
  const isReact = (specifier: string) => /^react(?:-dom)?(?:\/|$)/.test(specifier);
  const read = (file: string) => readFileSync(join(web, file), "utf8");

  it("no server file (every entry, chunk and the Node build; ESM and CJS) imports or requires React", () => {
    const server = runtimeFiles(web).filter((file) => !/^react\.c?js$/.test(file));
    expect(server).toEqual(expect.arrayContaining(["index.js", "index.cjs", "node/index.js", "node/node.cjs"]));
    const found = server.flatMap((file) =>
      specifiers(read(file))
        .filter(isReact)
        .map((spec) => `${file}: ${spec}`),
    );
    expect(found).toEqual([]);
    expect(server.filter((file) => /use client|jsx-runtime/.test(read(file)))).toEqual([]);
  });

  it.each(["react.js", "react.cjs"])('%s starts with "use client" and needs nothing but React', (file) => {
    const code = read(file);
    expect(
      code
        .split("\n")
        .filter((line) => line.trim() !== "")
        .slice(0, 2),
    ).toContain('"use client";');
    expect(code.indexOf('"use client"')).toBeLessThan(code.search(/\b(?:import|require)\b/));
    expect([...new Set(specifiers(code))].sort()).toEqual(["react", "react/jsx-runtime"]);
  });
});

describe("the Node built-in scan", () => {
  it.each([
    ['import { createHmac } from "node:crypto";', ["node:crypto"]],
    ["import{createHash}from'crypto'", ["crypto"]],
    ['export { readFile } from "fs/promises";', ["fs/promises"]],
    ['import "node:buffer";', ["node:buffer"]],
    ['const http = await import("http");', ["http"]],
    ['var stream = require("stream");', ["stream"]],
    ['const m = require( "node:async_hooks" )', ["node:async_hooks"]],
    ["const b = Buffer.from(text)", ["Buffer"]],
    ["globalThis.Buffer ?? polyfill", []],
    ["new Uint8Array(await request.arrayBuffer()) instanceof ArrayBuffer", []],
    ['import { z } from "zod"; import "./chunk-ABC.js"; require("lru-cache")', []],
  ])("%s → %j", (code, expected) => {
    expect(nodeDependencies(code)).toEqual(expected);
  });
});

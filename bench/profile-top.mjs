// Prints the functions with the most self time in a .cpuprofile: `node bench/profile-top.mjs file [rows]`.
import { readFileSync } from "node:fs";

const [file, rows = "30"] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, "utf8"));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map();
const deltas = profile.timeDeltas;
profile.samples.forEach((id, index) => {
  const { functionName, url, lineNumber } = byId.get(id).callFrame;
  const key = `${functionName || "(anonymous)"} ${url.split("/").slice(-2).join("/")}:${lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + (deltas[index] ?? 0));
});
const total = [...self.values()].reduce((a, b) => a + b, 0);
for (const [key, micros] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(rows))) {
  console.log(
    `${((micros / total) * 100).toFixed(1).padStart(5)} %  ${(micros / 1000).toFixed(0).padStart(6)} ms  ${key}`,
  );
}

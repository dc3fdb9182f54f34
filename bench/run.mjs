// `npm run bench [-- P1 P3 …]`: runs the benchmarks of docs/performance.md and prints every ratio
// against its peer, measured in this one run, with its target.
import os from "node:os";
import { runAlloc } from "./alloc.mjs";
import { runP4 } from "./cold-start.mjs";
import { runP5 } from "./heap.mjs";
import { runP3 } from "./http.mjs";
import { runP1, runP2, runPeers } from "./pipelines.mjs";

const suites = { P1: runP1, P2: runP2, peers: runPeers, alloc: runAlloc, P3: runP3, P4: runP4, P5: runP5 };
const selected = process.argv.slice(2).filter((name) => name in suites);

function verdict(row) {
  if (row.target === null) return { ratio: row.tollgate / row.peer, result: "info" };
  if (row.better === "absolute") return { ratio: null, result: row.tollgate <= row.target ? "met" : "MISSED" };
  const ratio = row.tollgate / row.peer;
  const met =
    row.better === "lower-strict"
      ? ratio < row.target
      : row.better === "lower"
        ? ratio <= row.target
        : ratio >= row.target;
  return { ratio, result: met ? "met" : "MISSED" };
}

const format = (value, unit) =>
  value === null || value === undefined ? "—" : unit ? `${value.toFixed(1)} ${unit}` : `${value.toFixed(2)} µs`;

console.log(
  `tollgate benchmarks — node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${os.platform()} ${os.arch()}`,
);
const rows = [];
for (const name of selected.length > 0 ? selected : Object.keys(suites)) {
  process.stderr.write(`running ${name}…\n`);
  rows.push(...(await suites[name]()));
}
console.table(
  rows.map((row) => {
    const { ratio, result } = verdict(row);
    const target =
      row.target === null
        ? "—"
        : row.better === "absolute"
          ? `≤ ${row.target} ${row.unit}`
          : `${{ lower: "≤", "lower-strict": "<", higher: "≥" }[row.better]} ${row.target}×`;
    return {
      benchmark: row.id,
      tollgate: format(row.tollgate, row.unit),
      peer: format(row.peer, row.unit),
      ratio: ratio === null ? "—" : `${ratio.toFixed(2)}×`,
      target,
      result,
      ...(row.note ? { note: row.note } : {}),
    };
  }),
);

import { afterEach, beforeEach } from "vitest";

/**
 * The log sink of the test suites (a `setupFiles` entry): what the code under test writes to the
 * console (the 5xx causes with their stacks, default audit lines, factory notices) is captured per
 * test instead of printed, so a green run is quiet. Outside a test (a suite's "skipped: …" notice,
 * hooks) the console is left alone. A failing test prints what it captured, after
 * its failure. `TOLLGATE_TEST_LOGS=1` prints everything as it comes.
 *
 * Tests that assert on a log read it with `capturedLogs()`, or spy on `console` as usual (a spy wraps
 * the sink).
 */
const METHODS = ["error", "warn", "info", "log", "debug"] as const;
type Method = (typeof METHODS)[number];

export interface CapturedLog {
  method: Method;
  text: string;
}

const original = Object.fromEntries(METHODS.map((method) => [method, console[method]])) as Record<
  Method,
  (...args: unknown[]) => void
>;
let captured: CapturedLog[] = [];
let inTest = false;

/** What the current test has written to the console so far. */
export function capturedLogs(): CapturedLog[] {
  return captured;
}

function format(args: unknown[]): string {
  return args
    .map((arg) => (arg instanceof Error ? (arg.stack ?? String(arg)) : typeof arg === "string" ? arg : safeJson(arg)))
    .join(" ");
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

if (!process.env.TOLLGATE_TEST_LOGS) {
  for (const method of METHODS) {
    console[method] = (...args: unknown[]) => {
      if (inTest) captured.push({ method, text: format(args) });
      else original[method](...args);
    };
  }

  beforeEach((context) => {
    const logs: CapturedLog[] = [];
    captured = logs;
    inTest = true;
    context.onTestFailed(() => {
      if (logs.length === 0) return;
      original.error(
        `[logs captured during "${context.task.name}"]\n${logs.map((log) => `${log.method}: ${log.text}`).join("\n")}`,
      );
    });
  });

  afterEach(() => {
    inTest = false;
  });
}

// Every test file: the one-time "route has no auth" notice a factory prints is captured here rather
// than printed (many suites build such routes on purpose). test/anonymous-routes.test.ts asserts it.
const original = console.warn;
const captured: string[] = [];
(globalThis as { __tollgateNotices?: string[] }).__tollgateNotices = captured;
console.warn = (...args: unknown[]) => {
  const [first] = args;
  if (typeof first === "string" && first.startsWith("[tollgate]") && first.includes(" has no auth")) {
    captured.push(first);
    return;
  }
  original.apply(console, args);
};

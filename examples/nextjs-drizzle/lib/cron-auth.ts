/**
 * Whether a request comes from your scheduler: `Authorization: Bearer <CRON_SECRET>` (what Vercel
 * Cron sends when the project has a `CRON_SECRET`), compared in constant time so the answer's timing
 * says nothing about how much of a guess was right. No `CRON_SECRET` → nobody is let in.
 */
export function fromScheduler(request: Request, secret = process.env.CRON_SECRET): boolean {
  if (!secret) return false;
  const given = new TextEncoder().encode(request.headers.get("authorization") ?? "");
  const expected = new TextEncoder().encode(`Bearer ${secret}`);
  let difference = given.length ^ expected.length;
  for (let i = 0; i < expected.length; i++) difference |= (given[i] ?? 0) ^ (expected[i] ?? 0);
  return difference === 0;
}

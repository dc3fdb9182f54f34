import { cookies, headers } from "next/headers";

/** DEMO ONLY: the cookie /api/demo/sign-in sets. */
export const DEMO_USER_COOKIE = "demo-user";

/** DEMO ONLY: whether the demo auth stand-in is on (`DEMO_AUTH=header`: local demos and the end-to-end tests). */
export function demoAuthEnabled(): boolean {
  return process.env.DEMO_AUTH === "header";
}

/**
 * The signed-in user's email, or null (→ 401). Replace the body with your auth provider, e.g. Clerk:
 * `(await currentUser())?.primaryEmailAddress?.emailAddress ?? null`.
 *
 * This stand-in believes an `x-demo-user` header, or the `demo-user` cookie that the demo sign-in page
 * sets, and only when `DEMO_AUTH=header` is set (local demos and the end-to-end tests). Never ship it:
 * anyone can send that header or cookie.
 */
export async function sessionEmail(): Promise<string | null> {
  if (!demoAuthEnabled()) return null;
  const header = (await headers()).get("x-demo-user");
  if (header) return header;
  const cookie = (await cookies()).get(DEMO_USER_COOKIE)?.value;
  return cookie ? decodeURIComponent(cookie) : null;
}

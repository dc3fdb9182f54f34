import { headers } from "next/headers";

/**
 * The signed-in user's email, or null (→ 401). Replace the body with your auth provider. With Clerk
 * (`import { currentUser } from "@clerk/nextjs/server"`), the primary email only once it is verified:
 *
 *   const primary = (await currentUser())?.primaryEmailAddress;
 *   return primary?.verification?.status === "verified" ? primary.emailAddress : null;
 *
 * This stand-in believes an `x-demo-user` header, and only when `DEMO_AUTH=header` is set (local
 * demos and the end-to-end tests). Never ship it: anyone can send that header.
 */
export async function sessionEmail(): Promise<string | null> {
  if (process.env.DEMO_AUTH !== "header") return null;
  return (await headers()).get("x-demo-user");
}

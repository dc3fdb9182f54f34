import { DEMO_USER_COOKIE, demoAuthEnabled } from "../../../../lib/auth";

/**
 * DEMO ONLY: signs the browser in as any email by setting the demo cookie that `lib/auth.ts` reads,
 * then goes to the paid page. 404 unless `DEMO_AUTH=header` (local demos and the end-to-end tests).
 * Delete this route when you plug in your auth provider.
 */
export async function POST(request: Request): Promise<Response> {
  if (!demoAuthEnabled()) return new Response("Not found", { status: 404 });
  const email = String((await request.formData()).get("email") ?? "")
    .trim()
    .toLowerCase();
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) return new Response("A valid email is required", { status: 400 });
  return new Response(null, {
    status: 303,
    headers: {
      location: "/",
      "set-cookie": `${DEMO_USER_COOKIE}=${encodeURIComponent(email)}; Path=/; HttpOnly; SameSite=Lax`,
    },
  });
}

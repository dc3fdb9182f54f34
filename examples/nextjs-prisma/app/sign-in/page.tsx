/**
 * DEMO ONLY: the sign-in page of the demo auth stand-in (`lib/auth.ts`). Its form posts to
 * /api/demo/sign-in, which answers 404 unless `DEMO_AUTH=header` is set. Replace both with your
 * auth provider's sign-in (e.g. Clerk's <SignIn />) before deploying.
 */
export default function SignIn() {
  return (
    <main>
      <h1>Sign in (demo)</h1>
      <p>A stand-in for your auth provider: it believes any email. Never deploy it.</p>
      <form method="post" action="/api/demo/sign-in">
        <label>
          Email <input name="email" type="email" required defaultValue="ada@example.com" />
        </label>{" "}
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}

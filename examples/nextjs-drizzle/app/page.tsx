export default function Home() {
  return (
    <main>
      <h1>tollgate + Next.js + Drizzle</h1>
      <p>The integration lives in app/api/*/route.ts and lib/db/. See README.md.</p>
    </main>
  );
}

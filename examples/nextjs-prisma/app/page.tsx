export default function Home() {
  return (
    <main>
      <h1>tollgate + Next.js + Prisma</h1>
      <p>The integration lives in app/api/*/route.ts and lib/db/. See README.md.</p>
    </main>
  );
}

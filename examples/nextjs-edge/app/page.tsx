export default function Home() {
  return (
    <main>
      <h1>tollgate on the edge runtime</h1>
      <p>
        Webhooks: <code>POST /api/webhooks/stripe</code> and <code>POST /api/webhooks/clerk</code>.
      </p>
    </main>
  );
}

import type { ReactNode } from "react";

export const metadata = { title: "tollgate + Next.js + Drizzle" };

// A few rules on the gate's data attributes: tollgate/react renders unstyled markup.
const css = `
body { font: 16px/1.5 system-ui, sans-serif; max-width: 36rem; margin: 3rem auto; padding: 0 1rem; color: #1f2328; }
.paywall, .paid { border: 1px solid #d0d7de; border-radius: 8px; padding: 1rem 1.25rem; }
.paywall[data-tollgate-state="loading"], .paywall[data-tollgate-state="finalizing"] { color: #57606a; }
.paywall[data-tollgate-state="error"] { border-color: #cf222e; background: #ffebe9; }
[data-tollgate-part="message"][role="alert"] { color: #a40e26; font-weight: 600; margin-top: 0; }
button { font: inherit; padding: 0.4rem 1rem; border-radius: 6px; border: 1px solid #1f883d; background: #1f883d; color: #fff; cursor: pointer; }
button[aria-busy="true"] { opacity: 0.6; cursor: progress; }
[data-tollgate-part="retry"] { background: #fff; color: #1f2328; border-color: #d0d7de; }
.signed-in { font-size: 0.875rem; color: #57606a; }
`;

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <head>
        <style>{css}</style>
      </head>
      <body>{children}</body>
    </html>
  );
}

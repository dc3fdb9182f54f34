import type { ReactNode } from "react";

export const metadata = { title: "tollgate + Next.js + Drizzle" };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}

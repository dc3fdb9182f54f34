import type { ReactNode } from "react";

export const metadata = { title: "tollgate + Next.js + Prisma" };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}

import type { ReactNode } from "react";

export const metadata = { title: "tollgate on the Next.js edge runtime" };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}

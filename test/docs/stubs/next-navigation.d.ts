// The part of `next/navigation` the docs use, with Next.js's signatures (the root has no `next` package).
export declare function useSearchParams(): URLSearchParams;
export declare function useRouter(): { push(href: string): void; replace(href: string): void; refresh(): void };

// The Auth.js (next-auth v5) shape the docs show second: `auth()` exported by the app's own
// `@/auth` (the result of `NextAuth(config)`), resolving to the session or null.
export interface Session {
  user?: { name?: string | null; email?: string | null; image?: string | null };
  expires: string;
}
export declare function auth(): Promise<Session | null>;

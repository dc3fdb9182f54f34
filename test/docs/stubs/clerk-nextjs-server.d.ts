// The part of `@clerk/nextjs/server` the docs' snippets use, with Clerk's own signatures (its
// `auth()` and `currentUser()`, `User.primaryEmailAddress`, `EmailAddress.verification`), so a
// snippet that type-checks here type-checks in an app that installed @clerk/nextjs.
export interface Verification {
  status: "unverified" | "verified" | "transferable" | "failed" | "expired" | (string & {}) | null;
  strategy: string | null;
}
export interface EmailAddress {
  id: string;
  emailAddress: string;
  verification: Verification | null;
}
export interface User {
  id: string;
  primaryEmailAddressId: string | null;
  primaryEmailAddress: EmailAddress | null;
  emailAddresses: EmailAddress[];
  firstName: string | null;
  lastName: string | null;
}
export interface SessionAuthObject {
  userId: string | null;
  sessionId: string | null;
  sessionClaims: Record<string, unknown> | null;
}
export declare function auth(): Promise<SessionAuthObject>;
export declare function currentUser(): Promise<User | null>;
export declare function clerkMiddleware(): unknown;
export declare function createRouteMatcher(patterns: string[]): (request: Request) => boolean;

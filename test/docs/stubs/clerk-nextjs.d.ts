// The part of `@clerk/nextjs` (its React components) the docs use, with Clerk's prop shapes.
import type { JSX, ReactNode } from "react";

export declare function ClerkProvider(props: { children: ReactNode; publishableKey?: string }): JSX.Element;
export declare function SignedIn(props: { children: ReactNode }): JSX.Element | null;
export declare function SignedOut(props: { children: ReactNode }): JSX.Element | null;
export declare function SignInButton(props: { children?: ReactNode; mode?: "modal" | "redirect" }): JSX.Element;
export declare function UserButton(props: { afterSignOutUrl?: string }): JSX.Element;

"use client";

import { ManageBillingButton, PaywallGate } from "tollgate/react";

/**
 * The paid page: a client component. The gate asks /api/subscription/status, offers Stripe Checkout
 * through /api/checkout, and on the page Stripe returns to (`/dashboard?session_id=…`) waits for the
 * payment to be confirmed. The content is also what your data routes must check on the server.
 */
export default function PaidPage() {
  return (
    <main>
      <h1>Reports</h1>
      <PaywallGate className="paywall" callbackUrl="/dashboard">
        <section className="paid">
          <h2>Your monthly report</h2>
          <p>Revenue is up 12% this month. This part is for subscribers only.</p>
          <ManageBillingButton className="billing" />
        </section>
      </PaywallGate>
      <p className="signed-in">
        <a href="/sign-in">Switch user (demo sign-in)</a>
      </p>
    </main>
  );
}

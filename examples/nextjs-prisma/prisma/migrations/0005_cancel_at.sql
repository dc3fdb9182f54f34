-- When Stripe will end the subscription (cancel_at, or the period end); null while it renews.
ALTER TABLE subscriptions ADD COLUMN cancel_at timestamptz(3);

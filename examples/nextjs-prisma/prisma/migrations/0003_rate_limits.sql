-- Fixed-window request counts shared by every instance (lib/db/rate-limit-store.ts).
CREATE TABLE rate_limits (
  key      text PRIMARY KEY,
  count    integer NOT NULL,
  reset_at timestamptz(3) NOT NULL
);

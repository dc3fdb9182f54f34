-- tollgate's PostgreSQL stores replace this app's own (lib/db/idempotency-store.ts, lib/db/rate-limit-store.ts):
-- the tables below are postgresStoreSchema() from tollgate/security, verbatim (a test checks they agree).
DROP TABLE rate_limits;
ALTER TABLE webhook_events DROP COLUMN locked_until, DROP COLUMN claim_token, DROP COLUMN expires_at;

CREATE TABLE IF NOT EXISTS "tollgate_idempotency" (
  key text PRIMARY KEY,
  claim_token text,
  completed_at timestamptz,
  expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS "tollgate_idempotency_expires_at_idx" ON "tollgate_idempotency" (expires_at);
CREATE TABLE IF NOT EXISTS "tollgate_rate_limits" (
  key text PRIMARY KEY,
  count integer NOT NULL,
  reset_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS "tollgate_rate_limits_reset_at_idx" ON "tollgate_rate_limits" (reset_at);
CREATE TABLE IF NOT EXISTS "tollgate_cursors" (
  name text PRIMARY KEY,
  value text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- tollgate example schema (PostgreSQL ≥ 13 and PGlite). Applied in file-name order by
-- scripts/setup-db.mjs, each file once, recorded in _migrations. prisma/schema.prisma mirrors it.

CREATE TABLE users (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email              text NOT NULL UNIQUE,
  clerk_id           text UNIQUE,
  stripe_customer_id text,
  credits            integer NOT NULL DEFAULT 0 CHECK (credits >= 0),
  created_at         timestamptz(3) NOT NULL DEFAULT now(),
  updated_at         timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX users_stripe_customer_id_idx ON users (stripe_customer_id);

CREATE TABLE subscriptions (
  id                   text PRIMARY KEY,
  user_id              uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  stripe_customer_id   text NOT NULL,
  status               text NOT NULL,
  price_id             text NOT NULL,
  current_period_end   timestamptz(3),
  cancel_at_period_end boolean NOT NULL DEFAULT false,
  last_event_at        timestamptz(3) NOT NULL,
  created_at           timestamptz(3) NOT NULL DEFAULT now(),
  updated_at           timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX subscriptions_user_id_idx ON subscriptions (user_id);

CREATE TABLE webhook_events (
  id           bigserial PRIMARY KEY,
  event_id     text NOT NULL UNIQUE,
  event_type   text,
  processed_at timestamptz(3),
  locked_until timestamptz(3),
  expires_at   timestamptz(3),
  created_at   timestamptz(3) NOT NULL DEFAULT now()
);

CREATE TABLE credit_transactions (
  id               bigserial PRIMARY KEY,
  user_id          uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  amount           integer NOT NULL,
  reason           text NOT NULL,
  webhook_event_id text UNIQUE,
  created_at       timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX credit_transactions_user_id_idx ON credit_transactions (user_id);

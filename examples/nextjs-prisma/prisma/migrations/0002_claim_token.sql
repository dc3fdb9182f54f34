-- A random token per idempotency claim: a late release (after the lease ran out and another
-- instance took the id) deletes the row only while it still carries its own token.
ALTER TABLE webhook_events ADD COLUMN claim_token text;

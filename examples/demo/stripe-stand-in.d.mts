export interface StandInRequest {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  /** The form-encoded body, flattened (`line_items[0][price]` → value). */
  form: Record<string, string>;
}

export interface StripeStandIn {
  port: number;
  /** What `GET /v1/subscriptions/:id` answers: Stripe's current state of each subscription. */
  subscriptions: Map<string, Record<string, unknown>>;
  /** Every call received, in order. */
  requests: StandInRequest[];
  close(): Promise<void>;
}

export function startStripeStandIn(): Promise<StripeStandIn>;

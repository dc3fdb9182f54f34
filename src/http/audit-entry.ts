/** What became of a request, as recorded in its audit entry. */
export type AuditOutcome = "processed" | "duplicate" | "ignored" | "rejected" | "error";

/** The route names tollgate's own factories audit under; routes you compose may use any string. */
export type RouteName =
  | "checkout"
  | "subscription-status"
  | "portal"
  | "stripe-webhook"
  | "clerk-webhook"
  | "stripe-reconcile"
  | (string & {});

/**
 * One structured entry per request. It never contains a body, a secret, a signature or a full email.
 */
export interface AuditEntry {
  level: "info" | "warn" | "error";
  requestId: string;
  /** ISO 8601 time the request arrived. */
  timestamp: string;
  route: RouteName;
  method: string;
  sourceIp: string | null;
  /** Whether a signature was checked and matched; absent on routes without signatures. */
  signatureValid?: boolean;
  eventType?: string;
  eventId?: string;
  /** Clerk only: the `svix-id` of the delivery (same as `eventId`). */
  svixId?: string;
  processingTimeMs: number;
  outcome: AuditOutcome;
  status: number;
  /** The error code, when the request was rejected or failed. */
  reason?: string;
  /** Adapter methods or event handlers that were called, in order. */
  mutations: string[];
  /** How the data was synchronised, e.g. `"refetched"`, `"payload"`, `"stale"`, `"needs-api"`, `"no-user"`. */
  syncStatus?: string;
  /** Stripe routes with a key configured: whether it is a test or live key. */
  stripeMode?: "test" | "live";
  /**
   * Set when the request succeeded but left something undone: `"COMPLETE_FAILED"` when the
   * idempotency store could not mark the event processed (a redelivery may be processed again).
   */
  warning?: string;
  /** Masked email (`ja***@example.com`) on checkout, status and portal routes. */
  email?: string;
}

/** Emitted besides the per-request entry when one IP keeps failing signature checks. */
export interface SecurityWarningEntry {
  level: "warn";
  kind: "repeated-signature-failures";
  route: RouteName;
  sourceIp: string | null;
  /** Failures from this IP inside the window, including the one that triggered the warning. */
  count: number;
  windowMs: number;
  timestamp: string;
}

/**
 * Receives audit entries. May be async; whatever it throws or rejects with is swallowed so that
 * logging never fails a request.
 */
export type AuditSink = (entry: AuditEntry | SecurityWarningEntry) => void | Promise<void>;

/** The entry a request is building; layers fill it in as they learn things. */
export type AuditRecord = Omit<AuditEntry, "level" | "processingTimeMs" | "status" | "outcome"> & {
  /** A layer may raise the level (e.g. `"warn"` for an event whose customer has no user). */
  level?: AuditEntry["level"];
  outcome?: AuditOutcome;
};

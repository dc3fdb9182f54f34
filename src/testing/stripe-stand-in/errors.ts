/** Stripe's error types, as in `error.type` of an API error. */
export type StripeErrorType = "invalid_request_error" | "idempotency_error" | "api_error" | "card_error";

/**
 * An error the stand-in answers the way Stripe would (`{ error: { type, code, message, param } }` with
 * `status`), and throws from its programmatic moves.
 */
export class StandInError extends Error {
  readonly status: number;
  readonly type: StripeErrorType;
  readonly code: string | undefined;
  readonly param: string | undefined;

  constructor(status: number, type: StripeErrorType, message: string, options: { code?: string; param?: string } = {}) {
    super(message);
    this.name = "StandInError";
    this.status = status;
    this.type = type;
    this.code = options.code;
    this.param = options.param;
  }

  /** The JSON body Stripe sends with this error. */
  toJSON(): { error: Record<string, string> } {
    const error: Record<string, string> = { type: this.type, message: this.message };
    if (this.code) {
      error.code = this.code;
      error.doc_url = `https://docs.stripe.com/error-codes/${this.code.replaceAll("_", "-")}`;
    }
    if (this.param) error.param = this.param;
    return { error };
  }
}

/** `No such <what>: '<id>'`: 404 for an id in the path, 400 for one in a parameter (`param`). */
export function noSuch(what: string, id: string, param?: string): StandInError {
  return new StandInError(param ? 400 : 404, "invalid_request_error", `No such ${what}: '${id}'`, {
    code: "resource_missing",
    param: param ?? "id",
  });
}

/** A missing required parameter. */
export function missing(param: string): StandInError {
  return new StandInError(400, "invalid_request_error", `Missing required param: ${param}.`, {
    code: "parameter_missing",
    param,
  });
}

/** A parameter with a value Stripe would refuse. */
export function invalid(param: string, message: string, code?: string): StandInError {
  return new StandInError(400, "invalid_request_error", message, code ? { code, param } : { param });
}

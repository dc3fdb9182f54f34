// Stripe returns here (`successUrl`, with `session_id`) and the portal links back here (`returnUrl`).
export { default } from "../page";

export { signStripePayload, signSvixPayload } from "./testing/sign.js";

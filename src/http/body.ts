import { concatBytes } from "../crypto/encoding.js";
import { TollgateError } from "./errors.js";

/** Reads a body stream into one byte array, giving up as soon as it exceeds `maxBytes`. */
export async function readRequestBody(request: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) throw new TollgateError("PAYLOAD_TOO_LARGE");
  if (request.body === null) return new Uint8Array(0);
  if (declared !== null && /^\d+$/.test(declared)) {
    // The length is declared and within the limit; the HTTP layer frames the body to it, so the
    // native reader is safe and much cheaper than pulling chunks. Re-checked in case it lied.
    const body = new Uint8Array(await request.arrayBuffer());
    if (body.byteLength > maxBytes) throw new TollgateError("PAYLOAD_TOO_LARGE");
    return body;
  }
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new TollgateError("PAYLOAD_TOO_LARGE");
    }
    chunks.push(value);
  }
  return chunks.length === 1 ? (chunks[0] as Uint8Array) : concatBytes(chunks);
}

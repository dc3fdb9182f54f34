/** A Web handler served on 127.0.0.1. */
export interface Listening {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * The build for edge runtimes and browsers has no HTTP server: the Node build (the `node` export
 * condition) swaps this file for `listen-node.ts`.
 */
export async function listen(_handler: (request: Request) => Promise<Response>, _port: number): Promise<Listening> {
  throw new Error(
    "tollgate/testing: startStripeStandIn() runs an HTTP server and needs Node.js (node:http). " +
      "Run your tests under Node, where the `node` export condition selects the build that has it.",
  );
}

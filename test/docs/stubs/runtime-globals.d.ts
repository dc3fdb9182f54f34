// The globals of the other runtimes the docs show (Bun, Deno), with their own signatures for the
// part the snippets use, so those snippets compile here as they do under bun-types / Deno.
declare global {
  const Bun: {
    env: Record<string, string | undefined>;
    serve(options: {
      port?: number;
      routes?: Record<
        string,
        Partial<Record<"GET" | "POST" | "PUT" | "DELETE", (request: Request) => Response | Promise<Response>>>
      >;
      fetch?: (request: Request) => Response | Promise<Response>;
    }): unknown;
  };
  const Deno: {
    env: { get(name: string): string | undefined };
    serve(handler: (request: Request) => Response | Promise<Response>): unknown;
  };
}

export {};

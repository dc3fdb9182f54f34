// The part of `@upstash/redis` the docs use (`Redis.fromEnv()` and the commands tollgate's
// `fromUpstash` calls), with Upstash's signatures.
export declare class Redis {
  static fromEnv(): Redis;
  eval<TArgs extends unknown[], TData = unknown>(script: string, keys: string[], args: TArgs): Promise<TData>;
  get<TData = string>(key: string): Promise<TData | null>;
  set(key: string, value: string, options?: Record<string, unknown>): Promise<"OK" | string | null>;
  del(...keys: string[]): Promise<number>;
}

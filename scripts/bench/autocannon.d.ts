// The part of autocannon's API the bench uses (the package ships no types).
declare module 'autocannon' {
  export interface Client {
    setHeaders(headers: Record<string, string>): void;
  }

  export interface Options {
    url: string;
    connections?: number;
    /** Seconds. */
    duration?: number;
    headers?: Record<string, string>;
    warmup?: { connections?: number; duration?: number };
    /** Called once per connection as it is set up. */
    setupClient?: (client: Client) => void;
  }

  export interface Percentiles {
    average: number;
    p50: number;
    p99: number;
  }

  export interface Result {
    requests: Percentiles & { total: number };
    latency: Percentiles;
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
  }

  function autocannon(options: Options): PromiseLike<Result>;
  export default autocannon;
}

// The SinoPac sandbox on a loopback port, with a stopwatch around its request handling so the bench
// can subtract the bank's own time from the shop's round trips.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { API_BASE_PATH, createSandbox, DEFAULTS, DEMO_SHOP, silentLogger, type Sandbox } from 'sinopac-sandbox';

export interface TimedSandbox {
  apiUrl: string;
  /** Where the card pages live. */
  origin: string;
  sandbox: Sandbox;
  /** Milliseconds spent handling requests so far, each from request in to response handed to the socket. */
  busyMs(): number;
  /** Requests answered so far. */
  requests(): number;
  close(): Promise<void>;
}

export async function startTimedSandbox(): Promise<TimedSandbox> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sandbox = createSandbox({
    shops: [DEMO_SHOP],
    publicOrigin: origin,
    logger: silentLogger,
    atmAutoPayDelayMs: null,
    // The bench posts every notification itself, so the sandbox's own deliveries are all dropped.
    faults: { dropFirst: DEFAULTS.maxDeliveries },
  });
  let busy = 0;
  let requests = 0;
  server.on('request', (req, res) => {
    const started = performance.now();
    res.on('finish', () => {
      busy += performance.now() - started;
      requests++;
    });
    sandbox.app(req, res);
  });
  return {
    apiUrl: `${origin}${API_BASE_PATH}`,
    origin,
    sandbox,
    busyMs: () => busy,
    requests: () => requests,
    close() {
      sandbox.close();
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

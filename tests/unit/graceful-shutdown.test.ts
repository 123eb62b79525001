import { createServer, request as httpRequest, Agent, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger';
import { gracefulShutdown } from '../../src/shutdown';
import { CapturedLogs } from '../support/log-capture';

/** A server whose /slow requests wait until the test lets them finish. */
async function startServer() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let entered!: () => void;
  const slowEntered = new Promise<void>((resolve) => (entered = resolve));
  const server: Server = createServer((req, res) => {
    if (req.url !== '/slow') return void res.end('fast');
    entered();
    void released.then(() => res.end('slow done'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, release, slowEntered };
}

// A keep-alive client, as browsers and proxies are: its connection stays open after the response.
const agent = new Agent({ keepAlive: true });
afterEach(() => agent.destroy());

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    httpRequest({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    })
      .on('error', reject)
      .end();
  });
}

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

describe('graceful shutdown', () => {
  it('lets a slow request in flight finish while refusing new connections, then runs the closers in order', async () => {
    const { server, port, release, slowEntered } = await startServer();
    await get(port, '/fast'); // leaves an idle keep-alive connection behind
    const slow = get(port, '/slow');
    await slowEntered;
    const closed: string[] = [];
    const closer = (name: string) => ({ name, close: async () => void closed.push(name) });

    const shutdown = gracefulShutdown(server, [closer('job queue'), closer('bank'), closer('database')], { logger: createLogger('silent') });

    // The refused connection took the event loop through a TCP round trip: closers run without
    // waiting for the slow request would have run by now.
    expect(await connects(port)).toBe(false);
    expect(closed).toEqual([]);
    const releasedAt = Date.now();
    release();
    expect(await slow).toEqual({ status: 200, body: 'slow done' });
    expect(await shutdown).toBe(true);
    expect(closed).toEqual(['job queue', 'bank', 'database']);
    // Not held up by the keep-alive connection the slow request leaves open (5 s by default).
    expect(Date.now() - releasedAt).toBeLessThan(1_000);
  });

  it('runs every closer when one fails, logs the failure and reports it', async () => {
    const { server } = await startServer();
    const logs = new CapturedLogs();
    const closed: string[] = [];

    const clean = await gracefulShutdown(
      server,
      [
        { name: 'job queue', close: () => Promise.reject(new Error('queue stuck')) },
        { name: 'database', close: () => void closed.push('database') },
      ],
      { logger: createLogger('info', logs) },
    );

    expect(clean).toBe(false);
    expect(closed).toEqual(['database']);
    expect(logs.entries()).toContainEqual(expect.objectContaining({ closer: 'job queue', msg: 'could not close during shutdown' }));
  });

  it('cuts a request that outlives the deadline, and still closes the rest', async () => {
    const { server, port, slowEntered } = await startServer();
    const slow = get(port, '/slow');
    await slowEntered;
    const logs = new CapturedLogs();
    const closed: string[] = [];

    const clean = await gracefulShutdown(server, [{ name: 'database', close: () => void closed.push('database') }], {
      logger: createLogger('info', logs),
      drainTimeoutMs: 100,
    });

    expect(clean).toBe(true);
    expect(closed).toEqual(['database']);
    await expect(slow).rejects.toThrow(/socket hang up/);
    expect(logs.entries()).toContainEqual(expect.objectContaining({ msg: expect.stringMatching(/shutdown deadline/) }));
  });
});

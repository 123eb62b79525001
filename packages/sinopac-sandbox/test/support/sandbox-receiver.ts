// A merchant BackendURL stand-in: records every notification and answers as the test scripts it.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedNotification {
  at: number;
  /** The request's path and query. */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: unknown;
}

export interface ReceiverAnswer {
  status?: number;
  body?: string;
  /** Wait this long before answering (to provoke the sandbox's delivery timeout). */
  delayMs?: number;
}

/** Decides the answer to the n-th notification (0-based). */
export type Responder = (received: ReceivedNotification, index: number) => ReceiverAnswer;

const ACKNOWLEDGE: Responder = () => ({ body: '{"Status":"S"}' });

export interface Receiver {
  url: string;
  received: ReceivedNotification[];
  respondWith(responder: Responder): void;
  /** Resolves once `count` notifications arrived; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedNotification[]>;
  close(): Promise<void>;
}

export async function startReceiver(responder: Responder = ACKNOWLEDGE): Promise<Receiver> {
  let answer = responder;
  const received: ReceivedNotification[] = [];
  const waiters = new Set<() => void>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const notification = { at: Date.now(), path: req.url ?? '', headers: req.headers, body, json };
      const index = received.push(notification) - 1;
      for (const wake of waiters) wake();
      const { status = 200, body: reply = '', delayMs = 0 } = answer(notification, index);
      const send = () => {
        if (!res.destroyed) res.writeHead(status, { 'content-type': 'application/json' }).end(reply);
      };
      if (delayMs > 0) setTimeout(send, delayMs).unref();
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/sinopac/notify`,
    received,
    respondWith(next) {
      answer = next;
    },
    waitFor(count, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (received.length < count) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve([...received]);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`expected ${count} notifications within ${timeoutMs} ms, got ${received.length}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}


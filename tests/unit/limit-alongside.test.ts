// A checkout's rate-limit count and its session read run side by side, and the request goes on
// once both are done, refused if either failed.
import { describe, expect, it } from 'vitest';
import type { Request, RequestHandler, Response } from 'express';
import { limitAlongside } from '../../src/web/rate-limits';

const after = (ms: number, events: string[], name: string, error?: Error): RequestHandler => (_req, _res, next) => {
  events.push(`${name} started`);
  setTimeout(() => {
    events.push(`${name} done`);
    next(error);
  }, ms);
};

function run(handler: RequestHandler): Promise<unknown[]> {
  return new Promise((resolve) => handler({} as Request, {} as Response, (...args: unknown[]) => resolve(args)));
}

describe('limitAlongside', () => {
  it('starts the count and the session read together and goes on once, after both', async () => {
    const events: string[] = [];
    const handler = limitAlongside(after(30, events, 'count'), [after(10, events, 'session'), after(10, events, 'renewal')]);
    const args = await run(handler);
    expect(args).toEqual([undefined]);
    expect(events.slice(0, 2).sort()).toEqual(['count started', 'session started']);
    expect(events.at(-1)).toBe('count done');
    expect(events.indexOf('renewal started')).toBeGreaterThan(events.indexOf('session done'));
  });

  it('passes on the refusal of the count, after the session read has finished', async () => {
    const events: string[] = [];
    const refusal = new Error('429');
    const [error] = await run(limitAlongside(after(5, events, 'count', refusal), [after(20, events, 'session')]));
    expect(error).toBe(refusal);
    expect(events.at(-1)).toBe('session done');
  });

  it('passes on a failure of the session read and skips the handlers after it', async () => {
    const events: string[] = [];
    const failure = new Error('database unavailable');
    const [error] = await run(limitAlongside(after(5, events, 'count'), [after(5, events, 'session', failure), after(5, events, 'renewal')]));
    expect(error).toBe(failure);
    expect(events).not.toContain('renewal started');
  });
});

// Two job queues on one database, as two shop servers have them: each sends the scheduled job every
// slot and each has a worker for it, yet each slot's job runs once, and never alongside another.
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createJobQueue, JOB_SCHEMA, type JobQueue } from '../../src/jobs/job-queue';
import { createLogger } from '../../src/logger';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const JOB = 'bank-check';
const SLOT_SECONDS = 1;

let testDb: TestDatabase;

beforeAll(async () => {
  testDb = await createTestDatabase();
});
afterAll(() => testDb.drop());

async function jobRows(name = JOB): Promise<Array<{ state: string; slot: string }>> {
  const client = new pg.Client({ connectionString: testDb.url });
  await client.connect();
  try {
    const { rows } = await client.query(`SELECT state, singleton_on::text AS slot FROM ${JOB_SCHEMA}.job WHERE name = $1`, [name]);
    return rows;
  } finally {
    await client.end();
  }
}

it('runs a scheduled job once per slot, on one of two instances, never two at once', { timeout: 30_000 }, async () => {
  let runs = 0;
  let running = 0;
  let mostAtOnce = 0;
  let stopping = false;
  const job = {
    name: JOB,
    // Each pass lasts until the next slot's job has been sent, so that job is due while this one still runs.
    run: async () => {
      runs++;
      mostAtOnce = Math.max(mostAtOnce, ++running);
      const sent = (await jobRows()).length;
      await vi.waitFor(async () => {
        if (!stopping) expect((await jobRows()).length).toBeGreaterThan(sent);
      }, { timeout: 20_000, interval: 100 });
      running--;
    },
  };
  const queues: JobQueue[] = [0, 1].map(() =>
    createJobQueue({ databaseUrl: testDb.url, logger: createLogger('silent'), everySeconds: SLOT_SECONDS, jobs: [job], pollingIntervalSeconds: 0.5 }),
  );

  await Promise.all(queues.map((queue) => queue.start()));
  // Both instances keep sending, far more often than once a slot, until three slots have jobs and two of them ran.
  await vi.waitFor(async () => {
    await Promise.all(queues.flatMap((queue) => [queue.tick(), queue.tick()]));
    const rows = await jobRows();
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(rows.filter((row) => row.state === 'completed').length).toBeGreaterThanOrEqual(2);
  }, { timeout: 25_000, interval: 200 });
  stopping = true;
  await Promise.all(queues.map((queue) => queue.stop()));

  const rows = await jobRows();
  const slots = new Set(rows.map((row) => row.slot));
  expect(slots.size).toBe(rows.length);
  expect(rows.length).toBeGreaterThanOrEqual(3);
  const completed = rows.filter((row) => row.state === 'completed').length;
  expect(completed).toBeGreaterThanOrEqual(2);
  // A job fetched while the queues stop may run without its completion being written (pg-boss
  // closes its pool first): it stays active until it expires. It still ran once, for its own slot.
  const cutOff = rows.filter((row) => row.state === 'active').length;
  expect(runs).toBeGreaterThanOrEqual(completed);
  expect(runs).toBeLessThanOrEqual(completed + cutOff);
  expect(mostAtOnce).toBe(1);
});

it('runs a job with its own, longer slot once in that slot, however often two instances tick', { timeout: 30_000 }, async () => {
  let hourlyRuns = 0;
  const hourly = { name: 'settlement', everySeconds: 3_600, run: async () => void hourlyRuns++ };
  const queues: JobQueue[] = [0, 1].map(() =>
    createJobQueue({ databaseUrl: testDb.url, logger: createLogger('silent'), everySeconds: SLOT_SECONDS, jobs: [hourly], pollingIntervalSeconds: 0.5 }),
  );
  await Promise.all(queues.map((queue) => queue.start()));
  for (let i = 0; i < 6; i++) await Promise.all(queues.flatMap((queue) => [queue.tick(), queue.tick()]));
  // Until the slot's job has run and nothing more waits: only another tick could send another.
  await vi.waitFor(async () => {
    const rows = await jobRows('settlement');
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows.every((row) => row.state === 'completed')).toBe(true);
  }, { timeout: 20_000, interval: 100 });
  await Promise.all(queues.map((queue) => queue.stop()));
  // A slot boundary (a full hour) can fall inside the test; then the next slot runs once too.
  expect(hourlyRuns).toBeGreaterThanOrEqual(1);
  expect(hourlyRuns).toBeLessThanOrEqual(2);
});

it('still makes a pass after the last of a burst of kicks, though it folds them together', { timeout: 30_000 }, async () => {
  let passes = 0;
  let lastPassStartedAt = 0;
  const outbox = {
    name: 'mail-outbox',
    kickable: true,
    // Scheduled slots far away: every pass here is a kick's.
    everySeconds: 3_600,
    run: async () => {
      passes++;
      lastPassStartedAt = Date.now();
    },
  };
  const queue = createJobQueue({ databaseUrl: testDb.url, logger: createLogger('silent'), everySeconds: 3_600, jobs: [outbox], pollingIntervalSeconds: 0.5 });
  await queue.start();
  // The pass of the slot that start() sends, finished before the kicks begin.
  await vi.waitFor(async () => expect((await jobRows('mail-outbox')).map((row) => row.state)).toEqual(['completed']), { timeout: 20_000, interval: 100 });
  const passesBefore = passes;
  // 100 kicks spread over a second (10 ms apart), as a burst of payments makes them.
  let lastKickAt = 0;
  for (let i = 0; i < 100; i++) {
    lastKickAt = Date.now();
    void queue.kick('mail-outbox');
    await sleep(10);
  }
  // The trailing kick goes out within 200 ms and a worker looks every 0.5 s.
  await vi.waitFor(() => expect(lastPassStartedAt).toBeGreaterThan(lastKickAt), { timeout: 20_000, interval: 50 });
  await queue.stop();

  expect(passes - passesBefore).toBeGreaterThanOrEqual(1);
});

it('records a pass that ended while its database was out of reach once it answers again, and the process carries on', { timeout: 30_000 }, async () => {
  const admin = new pg.Client({ connectionString: testDb.url });
  await admin.connect();
  let ended = false;
  // The queue's tables are out of reach from the moment the pass ends until the test brings them back.
  const job = {
    name: 'ends-while-away',
    run: async () => {
      await admin.query(`ALTER SCHEMA ${JOB_SCHEMA} RENAME TO ${JOB_SCHEMA}_away`);
      ended = true;
    },
  };
  const logged: string[] = [];
  const logger = createLogger('warn', { write: (line: string) => logged.push(line) });
  const queue = createJobQueue({ databaseUrl: testDb.url, logger, everySeconds: 3600, jobs: [job], pollingIntervalSeconds: 0.5 });
  try {
    await queue.start();
    await vi.waitFor(() => expect(ended).toBe(true), { timeout: 20_000, interval: 50 });
    // A worker that does not wait for its completion would end the test run here with an unhandled rejection.
    await vi.waitFor(() => expect(logged.join('')).toContain("could not record the job's end"), { timeout: 20_000, interval: 50 });
    await admin.query(`ALTER SCHEMA ${JOB_SCHEMA}_away RENAME TO ${JOB_SCHEMA}`);
    await vi.waitFor(async () => expect((await jobRows(job.name)).map((row) => row.state)).toEqual(['completed']), { timeout: 20_000, interval: 200 });
  } finally {
    await queue.stop();
    await admin.end();
  }
});

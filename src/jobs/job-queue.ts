// The shop's background jobs, on pg-boss in its own schema ("pgboss") of the shop's database, so
// that every running instance of the shop shares one queue and no job runs twice.
//
// Every instance sends each job once per slot of `everySeconds` (epoch-aligned) with a singleton
// key: the database accepts the first send of a slot and ignores the others, so however many
// instances tick, a slot holds one job, and one worker, on whichever instance fetches it first,
// runs it. The queues use pg-boss's "singleton" policy as well, so a pass that outlasts its slot is
// never joined by the next one.
import type { Logger } from 'pino';
import PgBoss from 'pg-boss';

export interface ScheduledJob {
  /** The queue's name, e.g. "bank-check". */
  name: string;
  run: () => Promise<unknown>;
  /** Its own slot length, when it runs less often than the queue's `everySeconds` (e.g. hourly). */
  everySeconds?: number;
  /**
   * Whether kick() may run it between its slots (default no). Such a queue uses pg-boss's "stately"
   * policy instead: at most one pass waiting besides the one running, so a burst of kicks makes
   * one more pass, and a kick during a pass still gets a pass after it.
   */
  kickable?: boolean;
}

export interface JobQueueOptions {
  databaseUrl: string;
  logger: Logger;
  everySeconds: number;
  jobs: readonly ScheduledJob[];
  /** How often an idle worker looks for work (pg-boss allows 0.5 s and up). */
  pollingIntervalSeconds?: number;
}

export interface JobQueue {
  start(): Promise<void>;
  /** Sends every job for the current slot; does nothing for a job already sent in this slot, by any instance. */
  tick(): Promise<void>;
  /**
   * Asks for a pass of a kickable job now, besides its slots. Kicks in the KICK_GAP_MS after one are
   * folded into a single one more at the gap's end.
   */
  kick(name: string): Promise<void>;
  /** Stops sending, lets a running job finish (up to STOP_TIMEOUT_MS), and closes the queue's connections. */
  stop(): Promise<void>;
}

export const JOB_SCHEMA = 'pgboss';
const SINGLETON_KEY = 'every-slot';
const STOP_TIMEOUT_MS = 20_000;
// A pass that takes this long is stuck; pg-boss fails it, and the next slot runs afresh.
const JOB_EXPIRE_SECONDS = 15 * 60;
// A burst of payments wakes the mail outbox once per payment; a pass starting after the last of
// them is all they need, and a few passes a second keep up, without a job sent for every payment.
const KICK_GAP_MS = 200;
const RECORD_RETRY_FIRST_MS = 500;
const RECORD_RETRY_MAX_MS = 10_000;

interface Worker {
  /** Takes no more jobs and waits (up to STOP_TIMEOUT_MS) for the one running. */
  stop(): Promise<void>;
}

export function createJobQueue(options: JobQueueOptions): JobQueue {
  const { logger, everySeconds, jobs } = options;
  const boss = new PgBoss({
    connectionString: options.databaseUrl,
    schema: JOB_SCHEMA,
    max: 4,
    // Jobs are sent by tick(); pg-boss's own cron clock is not used.
    schedule: false,
  });
  boss.on('error', (error) => logger.error({ err: error }, 'job queue error'));
  let timer: NodeJS.Timeout | undefined;
  /** The kickable jobs kicked within the last gap, each with whether it was kicked again since. */
  const kicked = new Map<string, { again: boolean; gap: NodeJS.Timeout }>();
  const sendKick = (name: string) => boss.send(name, {}, { singletonKey: SINGLETON_KEY });
  const workers: Worker[] = [];
  const pollingMs = (options.pollingIntervalSeconds ?? 2) * 1000;

  // The queue's own worker rather than pg-boss's work(): that one completes a job without awaiting
  // it, so a database gone at that moment ends the process with an unhandled rejection. Here a
  // result that cannot be recorded is retried until the database answers, and a fetch that fails
  // (pg-boss answers none) is simply the next poll's.
  function startWorker(job: ScheduledJob): Worker {
    let stopped = false;
    let nextPoll: NodeJS.Timeout | undefined;
    let current: Promise<void> = Promise.resolve();
    const poll = async () => {
      try {
        const [found] = await boss.fetch(job.name);
        if (found && !stopped) {
          current = runAndRecord(job, found.id, () => stopped);
          await current;
          if (!stopped) nextPoll = setTimeout(poll, 0);
          return;
        }
      } catch (error) {
        logger.error({ err: error, job: job.name }, 'could not look for the job');
      }
      if (!stopped) nextPoll = setTimeout(poll, pollingMs);
    };
    nextPoll = setTimeout(poll, 0);
    return {
      async stop() {
        stopped = true;
        clearTimeout(nextPoll);
        let waited: NodeJS.Timeout | undefined;
        await Promise.race([current, new Promise((resolve) => (waited = setTimeout(resolve, STOP_TIMEOUT_MS)))]);
        clearTimeout(waited);
      },
    };
  }

  async function runAndRecord(job: ScheduledJob, id: string, stopping: () => boolean): Promise<void> {
    const began = Date.now();
    let failure: unknown;
    try {
      await job.run();
    } catch (error) {
      logger.error({ err: error, job: job.name }, 'job failed');
      failure = error;
    }
    const record = () => (failure === undefined ? boss.complete(job.name, id) : boss.fail(job.name, id, { message: String(failure) }));
    for (let wait = RECORD_RETRY_FIRST_MS; ; wait = Math.min(wait * 2, RECORD_RETRY_MAX_MS)) {
      try {
        await record();
        return;
      } catch (error) {
        // Past its expiry pg-boss has given the job up itself; a stopping shop leaves it to expire.
        if (stopping() || Date.now() - began > JOB_EXPIRE_SECONDS * 1000) return;
        logger.warn({ err: error, job: job.name }, 'could not record the job\'s end; trying again');
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  async function tick(): Promise<void> {
    await Promise.all(jobs.map((job) => boss.sendThrottled(job.name, {}, {}, job.everySeconds ?? everySeconds, SINGLETON_KEY)));
  }

  return {
    async start() {
      await boss.start();
      for (const job of jobs) {
        // Not retried: the next slot runs the same pass anyway.
        const policy = job.kickable ? 'stately' : 'singleton';
        await createQueueOnce(boss, job.name, { name: job.name, policy, retryLimit: 0, expireInSeconds: JOB_EXPIRE_SECONDS });
        workers.push(startWorker(job));
      }
      await tick();
      timer = setInterval(() => {
        tick().catch((error: unknown) => logger.error({ err: error }, 'could not send the scheduled jobs'));
      }, everySeconds * 1000);
      timer.unref();
    },
    tick,
    async kick(name) {
      if (!jobs.some((job) => job.name === name && job.kickable)) throw new Error(`${name} is not a kickable job`);
      const recent = kicked.get(name);
      if (recent) {
        recent.again = true;
        return;
      }
      const state = {
        again: false,
        gap: setTimeout(() => {
          kicked.delete(name);
          if (state.again) sendKick(name).catch((error: unknown) => logger.error({ err: error, job: name }, 'could not kick the job'));
        }, KICK_GAP_MS),
      };
      kicked.set(name, state);
      // The slots' key: under "stately" a pass already waiting, scheduled or kicked, absorbs this one.
      await sendKick(name);
    },
    async stop() {
      clearInterval(timer);
      for (const { gap } of kicked.values()) clearTimeout(gap);
      kicked.clear();
      await Promise.all(workers.map((worker) => worker.stop()));
      await boss.stop({ graceful: true, wait: true, timeout: STOP_TIMEOUT_MS });
    },
  };
}

// Two instances starting together both create the queue (a table partition each); PostgreSQL may
// pick one as a deadlock victim. The survivor has created it, so the loser's retry finds it there.
async function createQueueOnce(boss: PgBoss, name: string, options: PgBoss.Queue): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await boss.createQueue(name, options);
      return;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (attempt >= 5 || (code !== '40P01' && code !== '23505')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

// The shop's Prometheus metrics (prom-client), counted at the boundaries the shop owns: the bank
// callbacks as they are answered, every bank call as the SinoPac client reports it, and every run
// of a scheduled job. One registry per shop, passed in, so that nothing counts into a global.
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { ScheduledJob } from './jobs/job-queue';
import type { SinopacExchange } from './sinopac/client';
import { isRefundCall } from './sinopac/shop-bank';

export interface ShopMetrics {
  registry: Registry;
  /** A bank callback answered: which one, how it ended, and how long taking it in took (settling included; none when refused before). */
  callbackHandled(source: 'backend' | 'return', outcome: string, seconds?: number): void;
  /** Pass along with the audit as SinopacClientOptions.onExchange. */
  bankExchange(exchange: SinopacExchange): void;
  /** A settlement day whose bank bill and shop books differ (src/settlement/), with how many differences. */
  settlementDifferences(day: string, count: number): void;
  /** The job, counting its runs and their duration. */
  timedJob(job: ScheduledJob): ScheduledJob;
}

export function createMetrics(options: { processMetrics?: boolean } = {}): ShopMetrics {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  const callbacks = new Counter({
    name: 'fengshou_callbacks_total',
    help: 'Bank callbacks (notifications, shoppers\' returns) by how they ended',
    labelNames: ['source', 'outcome'] as const,
    registers: [registry],
  });
  const settleSeconds = new Histogram({
    name: 'fengshou_callback_settle_seconds',
    help: 'Time from a callback arriving to its PayToken settled (bank query and settle included)',
    labelNames: ['source'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
    registers: [registry],
  });
  const bankSeconds = new Histogram({
    name: 'fengshou_bank_call_seconds',
    help: 'SinoPac API calls by service and outcome',
    labelNames: ['service', 'outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
    registers: [registry],
  });
  const bankErrors = new Counter({
    name: 'fengshou_bank_call_errors_total',
    help: 'SinoPac API calls that failed, by service and the bank code or failure reason',
    labelNames: ['service', 'code'] as const,
    registers: [registry],
  });
  const refunds = new Counter({
    name: 'fengshou_refunds_total',
    help: 'Refunds asked of the bank (not authorisation cancels), by outcome',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const settlementDays = new Counter({
    name: 'fengshou_settlement_days_with_differences_total',
    help: 'Settlement days fetched by the daily job whose bank bill and shop books differ',
    registers: [registry],
  });
  const settlementDifferences = new Counter({
    name: 'fengshou_settlement_differences_total',
    help: 'Differences found by the daily settlement job',
    registers: [registry],
  });
  const jobRuns = new Counter({
    name: 'fengshou_job_runs_total',
    help: 'Runs of the scheduled jobs (bank-check passes, ATM expiry passes) on this process, by outcome',
    labelNames: ['job', 'outcome'] as const,
    registers: [registry],
  });
  const jobSeconds = new Histogram({
    name: 'fengshou_job_run_seconds',
    help: 'Duration of the scheduled jobs runs on this process',
    labelNames: ['job'] as const,
    buckets: [0.01, 0.1, 0.5, 1, 5, 15, 60, 300],
    registers: [registry],
  });

  return {
    registry,
    callbackHandled(source, outcome, seconds) {
      callbacks.inc({ source, outcome });
      if (seconds !== undefined) settleSeconds.observe({ source }, seconds);
    },
    bankExchange(exchange) {
      bankSeconds.observe({ service: exchange.service, outcome: exchange.outcome }, exchange.durationMs / 1000);
      if (exchange.outcome !== 'ok') bankErrors.inc({ service: exchange.service, code: exchange.errorCode ?? exchange.outcome });
      if (isRefundCall(exchange)) refunds.inc({ outcome: exchange.outcome });
    },
    settlementDifferences(_day, count) {
      settlementDays.inc();
      settlementDifferences.inc(count);
    },
    timedJob(job) {
      return {
        ...job,
        async run() {
          const stop = jobSeconds.startTimer({ job: job.name });
          try {
            const result = await job.run();
            jobRuns.inc({ job: job.name, outcome: 'ok' });
            return result;
          } catch (error) {
            jobRuns.inc({ job: job.name, outcome: 'failed' });
            throw error;
          } finally {
            stop();
          }
        },
      };
    },
  };
}

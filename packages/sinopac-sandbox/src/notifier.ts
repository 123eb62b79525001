import type { Faults } from './faults';
import type { SandboxLogger } from './logger';
import type { Timers } from './timers';

export type DeliveryOutcome = 'acknowledged' | 'rejected' | 'error' | 'timeout' | 'dropped';
export type NotificationState = 'pending' | 'acknowledged' | 'gave-up' | 'cancelled';

/** One BackendURL push of a PayToken, retried until acknowledged or given up. */
export interface Notification {
  id: number;
  shopNo: string;
  orderNo: string;
  payToken: string;
  url: string;
  createdAt: Date;
  state: NotificationState;
  /** Delivery attempts made so far (each may have sent duplicate copies). */
  attempts: number;
}

/** One HTTP request (or a dropped one) of a notification. */
export interface Delivery {
  notificationId: number;
  shopNo: string;
  orderNo: string;
  payToken: string;
  url: string;
  attempt: number;
  /** 0 for the delivery itself, 1..N for the copies of the `duplicate` fault. */
  copy: number;
  at: Date;
  durationMs: number;
  statusCode?: number;
  body?: string;
  error?: string;
  outcome: DeliveryOutcome;
}

export interface NotifierOptions {
  intervalMs: number;
  maxDeliveries: number;
  timeoutMs: number;
  outOfOrderWindowMs: number;
  fetch: typeof fetch;
  timers: Timers;
  clock: () => Date;
  logger: SandboxLogger;
  faultsFor(notification: Notification): Faults;
}

const BODY_SNIPPET_LENGTH = 200;
// Held notifications are released this far apart, so the reversed order is what the receiver sees.
const OUT_OF_ORDER_STAGGER_MS = 50;

/** The merchant acknowledges only with a body that parses to exactly {"Status":"S"} (§5.1). */
function isAcknowledgement(body: string): boolean {
  try {
    const value: unknown = JSON.parse(body);
    return (
      value !== null && typeof value === 'object' && !Array.isArray(value) &&
      Object.keys(value).length === 1 && (value as Record<string, unknown>).Status === 'S'
    );
  } catch {
    return false;
  }
}

export class Notifier {
  readonly #notifications: Notification[] = [];
  readonly #deliveries: Delivery[] = [];
  #held: Notification[] = [];
  /** The retry each notification waits for, cancelled when it is fired early. */
  readonly #retries = new Map<Notification, () => void>();
  #nextId = 1;
  #stop = new AbortController();

  constructor(private readonly options: NotifierOptions) {}

  send(target: Pick<Notification, 'shopNo' | 'orderNo' | 'payToken' | 'url'>): Notification {
    const notification: Notification = {
      ...target, id: this.#nextId++, createdAt: this.options.clock(), state: 'pending', attempts: 0,
    };
    this.#notifications.push(notification);
    if (this.options.faultsFor(notification).outOfOrder) this.#hold(notification);
    else this.options.timers.after(0, () => this.#attempt(notification));
    return notification;
  }

  notifications(): Notification[] {
    return [...this.#notifications];
  }

  deliveries(): Delivery[] {
    return [...this.#deliveries];
  }

  /** Makes every retry that is waiting for its interval now, instead; returns the notifications retried. */
  retryNow(filter: (notification: Notification) => boolean = () => true): Notification[] {
    const due = [...this.#retries.keys()].filter(filter);
    for (const notification of due) {
      this.#retries.get(notification)!();
      this.#retries.delete(notification);
      this.options.timers.after(0, () => this.#attempt(notification));
    }
    return due;
  }

  /** Forgets every notification and abandons those still pending. */
  clear(): void {
    this.#cancelPending();
    this.#notifications.length = 0;
    this.#deliveries.length = 0;
  }

  close(): void {
    this.#cancelPending();
  }

  #cancelPending(): void {
    for (const n of this.#notifications) if (n.state === 'pending') n.state = 'cancelled';
    this.#held = [];
    for (const cancel of this.#retries.values()) cancel();
    this.#retries.clear();
    this.#stop.abort();
    this.#stop = new AbortController();
  }

  #hold(notification: Notification): void {
    this.#held.push(notification);
    if (this.#held.length > 1) return;
    this.options.timers.after(this.options.outOfOrderWindowMs, () => {
      const batch = this.#held.reverse();
      this.#held = [];
      batch.forEach((n, i) => this.options.timers.after(i * OUT_OF_ORDER_STAGGER_MS, () => this.#attempt(n)));
    });
  }

  async #attempt(notification: Notification): Promise<void> {
    if (notification.state !== 'pending') return;
    const attempt = ++notification.attempts;
    const faults = this.options.faultsFor(notification);
    let acknowledged = false;
    if (attempt <= (faults.dropFirst ?? 0)) {
      this.#record(notification, attempt, 0, { at: this.options.clock(), durationMs: 0, outcome: 'dropped' });
    } else {
      if (faults.delayMs) await this.options.timers.sleep(faults.delayMs);
      const copies = Array.from({ length: 1 + (faults.duplicate ?? 0) }, (_, copy) => this.#post(notification, attempt, copy));
      acknowledged = (await Promise.all(copies)).some(Boolean);
    }
    if (notification.state !== 'pending') return;
    if (acknowledged) {
      notification.state = 'acknowledged';
      this.options.logger.info(`notification ${notification.id} for order ${notification.orderNo} acknowledged on attempt ${attempt}`);
    } else if (attempt >= this.options.maxDeliveries) {
      notification.state = 'gave-up';
      this.options.logger.warn(`notification ${notification.id} for order ${notification.orderNo} given up after ${attempt} attempts`);
    } else {
      const cancel = this.options.timers.after(this.options.intervalMs, () => {
        this.#retries.delete(notification);
        return this.#attempt(notification);
      });
      this.#retries.set(notification, cancel);
    }
  }

  async #post(notification: Notification, attempt: number, copy: number): Promise<boolean> {
    const at = this.options.clock();
    const started = performance.now();
    const stop = this.#stop.signal;
    const elapsed = () => Math.round(performance.now() - started);
    try {
      const response = await this.options.fetch(notification.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ShopNo: notification.shopNo, PayToken: notification.payToken }),
        redirect: 'manual',
        signal: AbortSignal.any([stop, AbortSignal.timeout(this.options.timeoutMs)]),
      });
      const body = await response.text();
      const outcome = response.ok && isAcknowledgement(body) ? 'acknowledged' : 'rejected';
      this.#record(notification, attempt, copy, {
        at, durationMs: elapsed(), statusCode: response.status, body: body.slice(0, BODY_SNIPPET_LENGTH), outcome,
      });
      return outcome === 'acknowledged';
    } catch (error) {
      if (stop.aborted) return false;
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      this.#record(notification, attempt, copy, {
        at, durationMs: elapsed(), error: describeFailure(error), outcome: timedOut ? 'timeout' : 'error',
      });
      return false;
    }
  }

  #record(
    notification: Notification,
    attempt: number,
    copy: number,
    result: Pick<Delivery, 'at' | 'durationMs' | 'outcome' | 'statusCode' | 'body' | 'error'>,
  ): void {
    const { id, shopNo, orderNo, payToken, url } = notification;
    this.#deliveries.push({ notificationId: id, shopNo, orderNo, payToken, url, attempt, copy, ...result });
  }
}

function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error.message;
}

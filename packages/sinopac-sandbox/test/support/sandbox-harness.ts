// Starts a sandbox for one test file: two shops (one requiring X-KeyID), a hand-driven clock,
// a logger that keeps its lines, and fast notification timing.
import type { SandboxLogger } from '../../src/logger';
import { startSandbox, type RunningSandbox, type StartSandboxOptions } from '../../src/server';
import { DAY_MS, taipeiDay } from '../../src/taipei-time';
import { SandboxProtocolClient, type Message } from './sandbox-client';

export const TEST_SHOP = {
  shopNo: 'TS0001_001',
  hashKeys: { A1: '0F2A4C6E8091B3D5', A2: 'F7E6D5C4B3A29180', B1: '00000000000000FF', B2: '123456789ABCDEF0' },
};

export const KEYED_SHOP = {
  shopNo: 'TS0002_001',
  hashKeys: { A1: 'AAAAAAAAAAAAAAAA', A2: '5555555555555555', B1: '0123456789abcdef', B2: 'fedcba9876543210' },
  keyId: 'sandbox-test-key-0002',
};

/** 2025-06-10 12:00 in Taipei. */
export const START = new Date('2025-06-10T04:00:00Z');

export class ManualClock {
  #now: number;

  constructor(start: Date = START) {
    this.#now = start.getTime();
  }

  readonly now = (): Date => new Date(this.#now);

  advance(ms: number): void {
    this.#now += ms;
  }

  set(date: Date): void {
    this.#now = date.getTime();
  }
}

export class CapturingLogger implements SandboxLogger {
  readonly lines: string[] = [];
  info = (message: string) => void this.lines.push(message);
  warn = (message: string) => void this.lines.push(message);
  error = (message: string) => void this.lines.push(message);
}

export interface TestSandbox {
  running: RunningSandbox;
  client: SandboxProtocolClient;
  keyedClient: SandboxProtocolClient;
  clock: ManualClock;
  logger: CapturingLogger;
  close(): Promise<void>;
}

export async function startTestSandbox(options: Partial<StartSandboxOptions> = {}): Promise<TestSandbox> {
  const clock = new ManualClock();
  const logger = new CapturingLogger();
  const running = await startSandbox({
    shops: [TEST_SHOP, KEYED_SHOP],
    port: 0,
    clock: clock.now,
    logger,
    atmAutoPayDelayMs: null,
    notifyIntervalMs: 40,
    notifyTimeoutMs: 1_000,
    ...options,
  });
  return {
    running,
    client: new SandboxProtocolClient({ apiUrl: running.apiUrl, ...TEST_SHOP }),
    keyedClient: new SandboxProtocolClient({ apiUrl: running.apiUrl, ...KEYED_SHOP }),
    clock,
    logger,
    close: () => running.close(),
  };
}

let sequence = 0;

/** A fresh order number; it ends in a letter, so the "ends in 9" rule never applies by accident. */
export function newOrderNo(prefix = 'T'): string {
  sequence += 1;
  return `${prefix}${String(sequence).padStart(5, '0')}A`;
}

export function taipeiDayAfter(clock: ManualClock, days: number): string {
  return taipeiDay(new Date(clock.now().getTime() + days * DAY_MS));
}

const RETURN_URL = 'http://127.0.0.1:9/shop/sinopac/return';

export function atmOrder(clock: ManualClock, overrides: Message = {}): Message {
  return {
    ShopNo: TEST_SHOP.shopNo,
    OrderNo: newOrderNo('A'),
    Amount: 50000,
    CurrencyID: 'TWD',
    PayType: 'A',
    PrdtName: '虛擬帳號訂單',
    ReturnURL: RETURN_URL,
    ATMParam: { ExpireDate: taipeiDayAfter(clock, 3) },
    ...overrides,
  };
}

export function cardOrder(overrides: Message = {}): Message {
  return {
    ShopNo: TEST_SHOP.shopNo,
    OrderNo: newOrderNo('C'),
    Amount: 129900,
    CurrencyID: 'TWD',
    PayType: 'C',
    PrdtName: '精品咖啡豆 x2（中焙）',
    ReturnURL: RETURN_URL,
    CardParam: { AutoBilling: 'Y', ExpMinutes: 10 },
    ...overrides,
  };
}

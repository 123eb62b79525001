// The sandbox's time: the clock it was given (the system's, or a test's) plus an offset the control
// API moves, so a test can reach an ATM deadline, a card link's expiry or tomorrow's bill without
// waiting. Every part of the sandbox reads `now`; timers still run in real time.
export class SandboxClock {
  #offsetMs = 0;

  constructor(private readonly base: () => Date) {}

  readonly now = (): Date => new Date(this.base().getTime() + this.#offsetMs);

  get offsetMs(): number {
    return this.#offsetMs;
  }

  advance(ms: number): void {
    this.#offsetMs += ms;
  }

  set(date: Date): void {
    this.#offsetMs = date.getTime() - this.base().getTime();
  }

  reset(): void {
    this.#offsetMs = 0;
  }
}

// Every delayed task of a sandbox goes through one registry, so close() can stop them all and an
// idle sandbox never keeps the process alive.
export class Timers {
  readonly #handles = new Set<NodeJS.Timeout>();
  #closed = false;

  constructor(private readonly onError: (error: unknown) => void) {}

  /** Runs the task after `ms`; returns a function that cancels it. */
  after(ms: number, task: () => void | Promise<void>): () => void {
    if (this.#closed) return () => {};
    const handle = setTimeout(() => {
      this.#handles.delete(handle);
      try {
        Promise.resolve(task()).catch(this.onError);
      } catch (error) {
        this.onError(error);
      }
    }, ms);
    handle.unref();
    this.#handles.add(handle);
    return () => {
      clearTimeout(handle);
      this.#handles.delete(handle);
    };
  }

  /** Never settles once the registry is closed, which ends the waiting task quietly. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.after(ms, resolve));
  }

  close(): void {
    this.#closed = true;
    for (const handle of this.#handles) clearTimeout(handle);
    this.#handles.clear();
  }
}

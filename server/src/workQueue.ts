// Runs analysis jobs one at a time, in order. A job queued under a key that is already waiting replaces
// it: ten keystrokes in one file while the workspace indexes become one re-analysis, not ten.
export class WorkQueue {
  private tail: Promise<void> = Promise.resolve();
  private readonly waiting = new Map<string, () => Promise<void>>();

  /** `afterEach` runs after every job (the server collects garbage there: memory.ts). */
  constructor(private readonly onError: (e: unknown) => void, private readonly afterEach: () => void = () => {}) {}

  enqueue(key: string, job: () => Promise<void>): Promise<void> {
    const pending = this.waiting.has(key);
    this.waiting.set(key, job);
    if (pending) return this.tail;
    this.tail = this.tail.then(async () => {
      const latest = this.waiting.get(key)!;
      this.waiting.delete(key);
      try { await latest(); } catch (e) { this.onError(e); }
      this.afterEach();
    });
    return this.tail;
  }
}

// A window-wide budget of Graph reads per second for following evaluations, with fair (first come, first
// served) queuing: every follower asks for one read at a time, so a FIFO queue gives each running evaluation
// its turn however many there are. With one evaluation the budget never delays a read; with twenty, each is
// read less often instead of the window bursting past what Graph tolerates.
import { GraphCancelledError } from '../graph';

export class ReadBudget {
  private readonly queue: { resolve: () => void; reject: (e: unknown) => void; signal?: AbortSignal; onAbort?: () => void }[] = [];
  private readonly grants: number[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private granted = 0;

  /** `perSecond` reads in any sliding second. */
  constructor(
    readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Reads granted since the budget was made (for the benchmark and tests). */
  get total(): number {
    return this.granted;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** Resolves when this caller may make one read; rejects with GraphCancelledError when `signal` aborts. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new GraphCancelledError());
    return new Promise<void>((resolve, reject) => {
      const entry: (typeof this.queue)[number] = { resolve, reject, signal };
      if (signal) {
        entry.onAbort = () => {
          const at = this.queue.indexOf(entry);
          if (at >= 0) this.queue.splice(at, 1);
          reject(new GraphCancelledError());
        };
        signal.addEventListener('abort', entry.onAbort, { once: true });
      }
      this.queue.push(entry);
      this.pump();
    });
  }

  private pump(): void {
    if (this.timer) return;
    for (;;) {
      if (this.queue.length === 0) return;
      const now = this.now();
      while (this.grants.length && now - this.grants[0] >= 1000) this.grants.shift();
      if (this.grants.length >= this.perSecond) {
        const wait = 1000 - (now - this.grants[0]);
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, Math.max(1, wait));
        return;
      }
      const next = this.queue.shift()!;
      if (next.onAbort) next.signal?.removeEventListener('abort', next.onAbort);
      this.grants.push(now);
      this.granted++;
      next.resolve();
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const entry of this.queue.splice(0)) {
      if (entry.onAbort) entry.signal?.removeEventListener('abort', entry.onAbort);
      entry.reject(new GraphCancelledError());
    }
  }
}

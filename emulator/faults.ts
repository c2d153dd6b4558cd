// Injected faults. Each spec applies to the next `count` Graph requests that match its method and path
// substring; specs are consulted in the order added. Control-API requests (/_emulator/...) never see faults.
import { type FaultSpec } from './types';

const KINDS = new Set(['status', 'delay', 'malformed', 'drop', 'unauthorized', 'oddItem']);

interface ActiveFault {
  spec: FaultSpec;
  remaining: number;
}

/** Validates a FaultSpec from the control API, CLI or library. Returns an error message or undefined. */
export function checkFaultSpec(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'a fault must be a JSON object';
  const f = value as Record<string, unknown>;
  if (typeof f.kind !== 'string' || !KINDS.has(f.kind)) return `fault kind must be one of ${[...KINDS].join(', ')}`;
  if (f.count !== undefined && (typeof f.count !== 'number' || !Number.isInteger(f.count) || f.count < 1)) return 'count must be a positive integer';
  if (f.method !== undefined && typeof f.method !== 'string') return 'method must be a string';
  if (f.path !== undefined && typeof f.path !== 'string') return 'path must be a string';
  if (f.kind === 'status' && (typeof f.status !== 'number' || !Number.isInteger(f.status) || f.status < 100 || f.status > 599)) {
    return "a 'status' fault needs a status between 100 and 599";
  }
  if (f.status !== undefined && typeof f.status !== 'number') return 'status must be a number';
  if (f.retryAfter !== undefined && f.retryAfter !== null && typeof f.retryAfter !== 'string') return 'retryAfter must be a string or null';
  if (f.kind === 'delay' && (typeof f.delayMs !== 'number' || f.delayMs < 0)) return "a 'delay' fault needs delayMs >= 0";
  if (f.afterProcessing !== undefined && typeof f.afterProcessing !== 'boolean') return 'afterProcessing must be a boolean';
  if (f.midResponse !== undefined && typeof f.midResponse !== 'boolean') return 'midResponse must be a boolean';
  if (f.midResponse === true && f.kind !== 'drop') return "midResponse applies to a 'drop' fault only";
  return undefined;
}

export class FaultQueue {
  private faults: ActiveFault[] = [];
  /** Requests held by a 'delay' fault right now: clearing the faults lets them go on at once. */
  private readonly holding = new Set<() => void>();

  add(spec: FaultSpec): void {
    const problem = checkFaultSpec(spec);
    if (problem) throw new Error(`invalid fault: ${problem}`);
    this.faults.push({ spec: { ...spec }, remaining: spec.count ?? 1 });
  }

  /** Removes the pending faults and ends every delay in progress (the outage is over). */
  clear(): void {
    this.faults = [];
    for (const release of [...this.holding]) release();
  }

  /** The wait of a 'delay' fault: `ms`, or until the faults are cleared, whichever comes first. */
  delay(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const release = (): void => {
        clearTimeout(timer);
        this.holding.delete(release);
        resolve();
      };
      const timer = setTimeout(release, Math.max(0, ms));
      this.holding.add(release);
    });
  }

  list(): FaultSpec[] {
    return this.faults.map((f) => ({ ...f.spec, count: f.remaining }));
  }

  /** Takes (consumes one use of) the first fault matching this request, if any. `target` is path + query. */
  take(method: string, target: string): FaultSpec | undefined {
    const index = this.faults.findIndex(
      (f) => (f.spec.method === undefined || f.spec.method.toUpperCase() === method.toUpperCase()) && (f.spec.path === undefined || target.includes(f.spec.path)),
    );
    if (index < 0) return undefined;
    const fault = this.faults[index];
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults.splice(index, 1);
    return fault.spec;
  }
}

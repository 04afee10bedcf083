/**
 * Injected faults, queued per API first in first out; one queued for `*` applies to any API that
 * has none of its own. Shared by the Official Account simulator (faults.ts) and the WeChat Pay
 * simulator (pay/faults.ts), which differ only in what a fault answers. In memory only.
 */
export interface QueuedFault {
  api: string;
  /** Answer with this HTTP status (4xx/5xx). */
  status?: number;
  /** Wait this long first. */
  delayMs?: number;
  /** How many calls it applies to; default 1. */
  times: number;
}

export const MAX_FAULT_DELAY_MS = 120_000;

export class FaultQueue<Fault extends QueuedFault> {
  private readonly queues = new Map<string, Fault[]>();

  /** The fault that applies to this call of `api`, if any (using up one of its times). */
  take(api: string): Fault | undefined {
    const queue = this.queues.get(api)?.length ? this.queues.get(api) : this.queues.get('*');
    const fault = queue?.[0];
    if (!queue || !fault) return undefined;
    fault.times -= 1;
    if (fault.times === 0) queue.shift();
    return { ...fault };
  }

  clear(): void {
    this.queues.clear();
  }

  pending(): Fault[] {
    return [...this.queues.values()].flat().map((fault) => ({ ...fault }));
  }

  protected enqueue(fault: Fault): Fault {
    const queue = this.queues.get(fault.api) ?? [];
    queue.push(fault);
    this.queues.set(fault.api, queue);
    return { ...fault };
  }
}

/**
 * Reads the fields every fault may have (`status`, `delayMs`, `times`) from a request into
 * `fault`; returns a message when one is unusable.
 */
export function readCommonFaultFields(
  spec: Record<string, unknown>,
  fault: QueuedFault,
): string | undefined {
  if (spec.status !== undefined) {
    const status = spec.status as number;
    if (!Number.isSafeInteger(status) || status < 400 || status > 599)
      return 'status must be an HTTP error status (400–599)';
    fault.status = status;
  }
  if (spec.delayMs !== undefined) {
    const delay = spec.delayMs as number;
    if (!Number.isSafeInteger(delay) || delay < 0 || delay > MAX_FAULT_DELAY_MS)
      return `delayMs must be a whole number from 0 to ${MAX_FAULT_DELAY_MS}`;
    fault.delayMs = delay;
  }
  if (spec.times !== undefined) {
    const times = spec.times as number;
    if (!Number.isSafeInteger(times) || times < 1) return 'times must be a whole number ≥ 1';
    fault.times = times;
  }
  return undefined;
}

import { availableParallelism, totalmem } from 'node:os';

export interface ResourceAmount {
  cpu: number;
  memoryBytes: number;
}

/** Capacity of the machine for local tasks, unless configured otherwise. */
export function localCapacity(): ResourceAmount {
  return { cpu: availableParallelism(), memoryBytes: totalmem() };
}

/**
 * Admission control: a task starts only when its CPU and memory requests fit in what is
 * left. A request larger than the whole capacity is admitted alone (validation with
 * `--check-resources` reports it; the engine never hangs on it).
 */
export class ResourcePool {
  private used: ResourceAmount = { cpu: 0, memoryBytes: 0 };
  private running = 0;

  constructor(readonly capacity: ResourceAmount) {}

  tryAcquire(request: ResourceAmount): boolean {
    const fits = this.used.cpu + request.cpu <= this.capacity.cpu + 1e-9 && this.used.memoryBytes + request.memoryBytes <= this.capacity.memoryBytes;
    if (!fits && this.running > 0) return false;
    this.used = { cpu: this.used.cpu + request.cpu, memoryBytes: this.used.memoryBytes + request.memoryBytes };
    this.running++;
    return true;
  }

  release(request: ResourceAmount): void {
    this.used = { cpu: Math.max(0, this.used.cpu - request.cpu), memoryBytes: Math.max(0, this.used.memoryBytes - request.memoryBytes) };
    this.running--;
  }
}

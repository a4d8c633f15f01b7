import { availableParallelism, totalmem } from 'node:os';

/** What the target executor can give one task at most. */
export interface ExecutorCapacity {
  /** Cores. @defaultValue `os.availableParallelism()` */
  cpu: number;
  /** Bytes. @defaultValue `os.totalmem()` */
  memoryBytes: number;
  /** Nothing detects GPUs portably, so none are assumed unless configured. @defaultValue 0 */
  gpu: number;
}

/** The local executor's capacity: this machine's cores and memory, each overridable. */
export function localCapacity(overrides: Partial<ExecutorCapacity> = {}): ExecutorCapacity {
  return {
    cpu: overrides.cpu ?? availableParallelism(),
    memoryBytes: overrides.memoryBytes ?? totalmem(),
    gpu: overrides.gpu ?? 0,
  };
}

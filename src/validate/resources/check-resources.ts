import { formatBytes, parseCpu, parseMemory } from '../../spec/quantities.js';
import type { ValidationContext } from '../context.js';
import type { FileValidation } from '../validate-pipeline.js';
import { localCapacity, type ExecutorCapacity } from './capacity.js';
import { REMOTE_TYPES, REQUIRED_BINARIES } from './required-binaries.js';
import { taskRequests, type RequestField, type TaskRequests } from './task-requests.js';
import { which } from './which.js';

/** Options of `--check-resources`. */
export interface ResourceCheckOptions {
  /** Overrides of the local executor's capacity. @defaultValue this machine's cores and memory, no GPUs */
  capacity?: Partial<ExecutorCapacity>;
  /** The PATH searched for the programs tasks need. @defaultValue `process.env.PATH` */
  searchPath?: string;
}

/** The flag that sets each capacity, named in messages so the fix is one step away. */
const CAPACITY_FLAGS: Record<RequestField, string> = { cpu: '--capacity-cpu', memory: '--capacity-memory', gpu: '--capacity-gpu' };

/**
 * `--check-resources`: every task's merged requests fit the local executor's capacity, and the
 * program its type starts is on PATH. Kubernetes tasks run in the cluster and are not compared
 * with this machine; `auto` requests are sized at run time and are skipped.
 */
export function checkResources(files: readonly FileValidation[], options: ResourceCheckOptions = {}): void {
  const capacity = localCapacity(options.capacity);
  const found = new Map<string, string | undefined>();
  const locate = (program: string) => {
    if (!found.has(program)) found.set(program, which(program, options.searchPath));
    return found.get(program);
  };
  for (const file of files) {
    const context = file.context;
    if (!context) continue;
    for (const task of taskRequests(context.source.value, file.pipeline)) {
      if (task.type === undefined || !REMOTE_TYPES.has(task.type)) checkCapacity(context, task, capacity);
      const program = task.type === undefined ? undefined : REQUIRED_BINARIES[task.type as keyof typeof REQUIRED_BINARIES];
      if (program && !locate(program)) {
        context.report('resources/missing-binary', [...task.path, 'type'], `Task \`${task.id}\` (\`${task.type}\`) needs \`${program}\`, which is not on this machine's PATH; install it or run the task with an executor that has it`);
      }
    }
  }
}

function checkCapacity(context: ValidationContext, task: TaskRequests, capacity: ExecutorCapacity): void {
  for (const [field, request, available, show] of measured(task, capacity)) {
    if (request <= available) continue;
    const origin = task.origin[field] ?? 'task';
    const inherited = origin === 'task' ? '' : ` (inherited from \`${origin}\`)`;
    const path = origin === 'task' ? [...task.path, 'resources', field] : [...task.path, 'name'];
    context.report('resources/exceeds-capacity', path, `Task \`${task.id}\` requests ${show(request)}${inherited}, but the local executor has ${show(available)}, so it could never start; lower the request, or set the capacity with \`${CAPACITY_FLAGS[field]}\` if the machine that runs it is larger`);
  }
}

type Measured = [RequestField, number, number, (amount: number) => string];

/** Fixed requests as numbers, each with its capacity and how to show it; `auto` and invalid values drop out. */
function measured(task: TaskRequests, capacity: ExecutorCapacity): Measured[] {
  const all: Measured[] = [];
  const cpu = parseCpu(task.requests.cpu);
  if (task.requests.cpu !== undefined && cpu.ok && cpu.value.kind === 'fixed') all.push(['cpu', cpu.value.value, capacity.cpu, formatCores]);
  const memory = parseMemory(task.requests.memory);
  if (task.requests.memory !== undefined && memory.ok && memory.value.kind === 'fixed') all.push(['memory', memory.value.value, capacity.memoryBytes, (bytes) => `${formatBytes(bytes)} of memory`]);
  const gpu = task.requests.gpu;
  if (typeof gpu === 'number' && Number.isInteger(gpu) && gpu >= 0) all.push(['gpu', gpu, capacity.gpu, (count) => `${count} GPU${count === 1 ? '' : 's'}`]);
  return all;
}

function formatCores(cores: number): string {
  const shown = Number(cores.toFixed(3));
  return `${shown} CPU core${shown === 1 ? '' : 's'}`;
}

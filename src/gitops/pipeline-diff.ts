import { buildTaskGraph, type GraphTask } from '../dag/task-graph.js';
import { collectTasks, isRecord } from '../spec/task-entries.js';
import type { ParsedBlob } from './repository-paths.js';
import { diffSchedules, type ScheduleDiff } from './schedule-diff.js';

/** Fields shown when a task changes: what it runs and how it is retried, bounded and sized. */
const TASK_FIELDS = ['type', 'command', 'script', 'url', 'image', 'application', 'manifest', 'retry', 'timeout', 'resources'] as const;

export interface FieldChange {
  field: (typeof TASK_FIELDS)[number];
  /** Compact text of the value; absent when the field was not set. */
  before?: string;
  after?: string;
}

/** A semantic diff of one pipeline file between two commits. */
export interface PipelineDiff {
  file: string;
  name?: string;
  status: 'added' | 'changed' | 'removed';
  /** `stage.task` and its type. */
  tasksAdded: { task: string; type?: string }[];
  tasksRemoved: { task: string; type?: string }[];
  tasksChanged: { task: string; changes: FieldChange[] }[];
  /** Explicit dependency edges as `stage.upstream → stage.downstream`. */
  edgesAdded: string[];
  edgesRemoved: string[];
  schedule?: ScheduleDiff;
}

interface Side {
  tasks: Map<string, Record<string, unknown>>;
  edges: Set<string>;
  schedule: unknown;
}

/** Compares the raw values, so a file that fails the schema still gets a diff of what can be read. */
export function diffPipelines(file: string, before: ParsedBlob | undefined, after: ParsedBlob | undefined, now: Date): PipelineDiff {
  const a = sideOf(before?.value);
  const b = sideOf(after?.value);
  const nameOf = (blob?: ParsedBlob) => (isRecord(blob?.value) && typeof blob.value.name === 'string' ? blob.value.name : undefined);
  const typeOf = (task: Record<string, unknown> | undefined) => (typeof task?.type === 'string' ? task.type : undefined);
  const tasksChanged: PipelineDiff['tasksChanged'] = [];
  for (const [task, next] of b.tasks) {
    const previous = a.tasks.get(task);
    if (!previous) continue;
    const changes = TASK_FIELDS.flatMap((field): FieldChange[] => {
      const was = show(previous[field]);
      const now = show(next[field]);
      return was === now ? [] : [{ field, ...(was !== undefined ? { before: was } : {}), ...(now !== undefined ? { after: now } : {}) }];
    });
    if (changes.length > 0) tasksChanged.push({ task, changes });
  }
  const schedule = diffSchedules(a.schedule, b.schedule, now);
  return {
    file,
    name: nameOf(after) ?? nameOf(before),
    status: !before ? 'added' : !after ? 'removed' : 'changed',
    tasksAdded: [...b.tasks].filter(([task]) => !a.tasks.has(task)).map(([task, raw]) => ({ task, type: typeOf(raw) })),
    tasksRemoved: [...a.tasks].filter(([task]) => !b.tasks.has(task)).map(([task, raw]) => ({ task, type: typeOf(raw) })),
    tasksChanged,
    edgesAdded: [...b.edges].filter((edge) => !a.edges.has(edge)),
    edgesRemoved: [...a.edges].filter((edge) => !b.edges.has(edge)),
    ...(schedule ? { schedule } : {}),
  };
}

function sideOf(value: unknown): Side {
  const entries = collectTasks(value);
  const tasks = new Map(entries.map((entry) => [`${entry.stage}.${entry.name}`, entry.raw]));
  const graphTasks: GraphTask[] = entries.map((entry) => ({
    id: `${entry.stage}.${entry.name}`,
    stage: entry.stage,
    name: entry.name,
    stageIndex: entry.stageIndex,
    dependencies: Array.isArray(entry.raw.dependencies) ? entry.raw.dependencies.filter((item): item is string => typeof item === 'string') : [],
  }));
  // `parallel: true` keeps the graph to explicit edges; stage order is not a dependency the author wrote.
  const { graph } = buildTaskGraph(graphTasks, { parallel: true });
  const edges = new Set(graph.explicitEdges.map(([from, to]) => `${graphTasks[from]?.id} → ${graphTasks[to]?.id}`));
  return { tasks, edges, schedule: isRecord(value) ? value.schedule : undefined };
}

/** One line of text per value: strings as written, everything else as compact JSON. */
function show(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

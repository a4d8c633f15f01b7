import { stringify } from 'yaml';
import { foldExecution, type ExecutionState } from '../../state/fold.js';
import type { LogRecord } from '../../state/log-store.js';
import { emit } from '../output.js';
import { openStores, readExecution, type StoreFlags } from './state-options.js';
import { formatMinute, formatSpan, formatTable } from './state-table.js';

interface StateGetFlags extends StoreFlags {
  executionId: string;
  format: 'json' | 'yaml' | 'summary';
  includeLogs?: boolean;
  includeArtifacts?: boolean;
  compact?: boolean;
  output?: string;
}

/** The fold, plus what the flags ask for: every task's log lines, every stored artifact in one list. */
type StateView = ExecutionState & { artifacts?: (ExecutionState['stages'][number]['tasks'][number]['artifacts'][number] & { task: string })[]; logs?: LogRecord[] };

/** `state get`: the folded state of one execution, with its logs and artifacts when asked. */
export async function getState(flags: StateGetFlags): Promise<void> {
  await using stores = await openStores(flags);
  const state: StateView = foldExecution(await readExecution(stores, flags.executionId));
  if (flags.includeArtifacts) {
    state.artifacts = state.stages.flatMap((stage) => stage.tasks.flatMap((task) => task.artifacts.map((artifact) => ({ task: taskId(stage.name, task.id), ...artifact }))));
  }
  if (flags.includeLogs) state.logs = await (await stores.logs()).read(flags.executionId);
  emit(render(state, flags), flags.output);
}

function render(state: StateView, flags: StateGetFlags): string {
  if (flags.format === 'yaml') return stringify(state);
  if (flags.format === 'summary') return formatSummary(state);
  return `${flags.compact ? JSON.stringify(state) : JSON.stringify(state, null, 2)}\n`;
}

/** What an operator looks at first: the execution's line, then one row per task. */
export function formatSummary(state: StateView): string {
  const head = [
    ['Execution', state.execution_id],
    ['Pipeline', state.commit_sha ? `${state.pipeline} @ ${state.commit_sha.slice(0, 12)}` : state.pipeline],
    ['Status', state.reason ? `${state.status} (${state.reason})` : state.status],
    ['Started', formatMinute(state.started_at)],
    ['Duration', formatSpan(state.started_at, state.completed_at)],
    ['Trigger', `${state.trigger ?? '-'} by ${state.triggered_by ?? '-'}`],
  ];
  const rows = [['STAGE', 'TASK', 'STATUS', 'ATTEMPT', 'EXIT', 'DURATION', 'ERROR']];
  for (const stage of state.stages) {
    for (const task of stage.tasks) {
      rows.push([stage.name || '-', task.id, task.status, String(task.attempt), task.exit_code === null ? '-' : String(task.exit_code), formatSpan(task.started_at, task.completed_at), task.error ?? '']);
    }
  }
  let text = `${formatTable(head)}\n${formatTable(rows)}`;
  for (const override of state.overrides) text += `\nOverridden ${override.at} by ${override.by}: ${override.task ?? 'execution'} → ${override.status} (${override.message})`;
  if (state.overrides.length > 0) text += '\n';
  if (state.logs) text += `\n${state.logs.map((record) => `${record.at} [${record.task}] ${record.text}`).join('\n')}\n`;
  return text;
}

function taskId(stage: string, task: string): string {
  return stage === '' ? task : `${stage}.${task}`;
}

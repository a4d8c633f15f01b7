import type { Logger } from 'pino';
import type { OutputLine } from '../../executors/executor.js';
import type { NewEvent } from '../../state/events.js';
import { describeEvent } from './describe-event.js';
import { taskResults } from './format-summary.js';
import { RunTally, type ExecutionHeader, type ExecutionReport, type ExecutionReporter } from './reporter.js';

/**
 * pino JSON lines: a child logger per execution and one per task, one record per transition
 * (`event` names it) and per line of task output (`stream`), and a final record with the result.
 */
export class JsonReporter implements ExecutionReporter {
  private execution: Logger;
  private readonly tasks = new Map<string, Logger>();
  private tally = new RunTally(0);

  constructor(private readonly root: Logger) {
    this.execution = root;
  }

  start(header: ExecutionHeader): void {
    this.execution = this.root.child({ executionId: header.executionId, pipeline: header.pipeline });
    this.tally = new RunTally(header.tasks, header.succeededBefore);
    this.execution.info({ event: 'execution.starting', ds: header.ds, tasks: header.tasks, resumed: header.resumed, succeededBefore: header.succeededBefore }, `Starting execution ${header.executionId}`);
  }

  events(events: readonly NewEvent[]): void {
    for (const event of events) {
      this.tally.apply(event);
      const line = describeEvent(event, this.tally.durations);
      if (!line) continue;
      const { type, ...fields } = event;
      const logger = line.task ? this.taskLogger(line.task) : this.execution;
      const level = line.tag === 'FAIL' ? 'error' : line.tag === 'RETRY' || line.tag === 'CANCEL' ? 'warn' : 'info';
      logger[level]({ event: type, ...withoutTask(fields) }, line.message);
    }
  }

  output(taskId: string, attempt: number, line: OutputLine): void {
    this.taskLogger(taskId).info({ event: 'task.output', attempt, stream: line.stream, at: line.at }, line.text);
  }

  notice(message: string): void {
    this.execution.warn({ event: 'notice' }, message);
  }

  finish(report: ExecutionReport): void {
    const { state } = report;
    const level = state.status === 'succeeded' ? 'info' : 'error';
    this.execution[level](
      {
        event: 'execution.finished',
        status: state.status,
        reason: state.reason,
        duration_seconds: state.duration_seconds,
        tasks: taskResults(state),
        output_dir: report.outputDir,
        artifacts: report.artifacts.map((artifact) => ({ task: artifact.task, path: artifact.path, size_bytes: artifact.sizeBytes, sha256: artifact.sha256, uri: artifact.uri })),
        ledger: report.ledger,
        ...(state.status !== 'succeeded' && report.resumeCommand ? { resume_command: report.resumeCommand } : {}),
      },
      `Execution ${state.execution_id} ${state.status}`,
    );
  }

  close(): void {}

  private taskLogger(task: string): Logger {
    let logger = this.tasks.get(task);
    if (!logger) {
      logger = this.execution.child({ task });
      this.tasks.set(task, logger);
    }
    return logger;
  }
}

function withoutTask(fields: Record<string, unknown>): Record<string, unknown> {
  const { task: _task, ...rest } = fields;
  return rest;
}

import type { OutputLine } from '../../executors/executor.js';
import type { NewEvent } from '../../state/events.js';
import { makePalette, type Palette } from './colors.js';
import { describeEvent, formatDuration } from './describe-event.js';
import { formatSummary } from './format-summary.js';
import { RunTally, type ExecutionHeader, type ExecutionReport, type ExecutionReporter } from './reporter.js';

export interface TextReporterOptions {
  out: NodeJS.WritableStream;
  color: boolean;
  /** Redraw a progress line in place (a TTY); otherwise one line per transition only. */
  live: boolean;
  /** Echo task output, prefixed by the task id. */
  echoOutput: boolean;
}

const CLEAR_LINE = '\r\u001b[2K';
const REDRAW_MS = 1000;

/** Human text: one line per transition, task output prefixed by its task, and a summary. */
export class TextReporter implements ExecutionReporter {
  private tally = new RunTally(0);
  private readonly palette: Palette;
  private timer: NodeJS.Timeout | undefined;
  private drawn = false;
  /** Output that arrived before its task's start was durable (events come after the write, lines at once). */
  private readonly early = new Map<string, string[]>();
  private readonly shown = new Set<string>();

  constructor(private readonly options: TextReporterOptions) {
    this.palette = makePalette(options.color);
  }

  start(header: ExecutionHeader): void {
    this.tally = new RunTally(header.tasks, header.succeededBefore);
    this.write(`Starting execution ${header.executionId}`);
    const resumed = header.resumed ? `, resuming with ${header.succeededBefore} task${header.succeededBefore === 1 ? '' : 's'} already succeeded` : '';
    this.write(this.palette.dim(`Pipeline ${header.pipeline}: ${header.tasks} task${header.tasks === 1 ? '' : 's'}, ds ${header.ds}${resumed}`));
    if (this.options.live) {
      this.timer = setInterval(() => this.draw(), REDRAW_MS);
      this.timer.unref();
      this.draw();
    }
  }

  events(events: readonly NewEvent[]): void {
    for (const event of events) {
      this.tally.apply(event);
      const line = describeEvent(event, this.tally.durations);
      if (line) this.write(`${this.palette.tag(line.tag)} ${line.message}`);
      if (event.type === 'task.started') this.release(event.task);
    }
    // Counts may have changed without a line (an exit): the progress line shows them anyway.
    if (!events.some((event) => describeEvent(event, this.tally.durations))) this.draw();
  }

  output(taskId: string, _attempt: number, line: OutputLine): void {
    if (!this.options.echoOutput) return;
    const prefix = line.stream === 'stderr' ? `${taskId} !` : `${taskId} |`;
    const text = `${this.palette.dim(prefix)} ${line.text}`;
    if (this.shown.has(taskId)) return this.write(text);
    const held = this.early.get(taskId) ?? [];
    held.push(text);
    this.early.set(taskId, held);
  }

  notice(message: string): void {
    this.write(`${this.palette.tag('INFO')} ${message}`);
  }

  finish(report: ExecutionReport): void {
    for (const task of [...this.early.keys()]) this.release(task);
    this.close();
    this.options.out.write(formatSummary(report, this.palette));
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.erase();
  }

  private release(task: string): void {
    this.shown.add(task);
    for (const text of this.early.get(task) ?? []) this.write(text);
    this.early.delete(task);
  }

  private write(text: string): void {
    this.erase();
    this.options.out.write(`${text}\n`);
    if (this.timer) this.draw();
  }

  private erase(): void {
    if (!this.drawn) return;
    this.options.out.write(CLEAR_LINE);
    this.drawn = false;
  }

  /** The progress line stays last on screen: running, done, failed, elapsed. */
  private draw(): void {
    if (!this.timer) return;
    const { running, done, failed, total, startedAt } = this.tally;
    const counts = `${running} running · ${done}/${total} done · ${failed} failed · ${formatDuration((Date.now() - startedAt) / 1000)} elapsed`;
    this.options.out.write(`${CLEAR_LINE}${this.palette.bold(counts)}`);
    this.drawn = true;
  }
}

import { UsageError } from '../errors.js';
import type { ExecutionStatus, NewEvent } from './events.js';
import type { ExecutionSummary, ListPage, ListRequest } from './state-store.js';

/**
 * How an append changes an execution's line in `list`: both stores derive it here, from the
 * events alone, so their indexes agree with the fold. Only `execution.created`,
 * `execution.finished` and execution-level `state.overridden` touch it; task events never do,
 * which keeps index writes to about two per execution.
 */
export interface SummaryChange {
  /** Present when the append creates the execution. */
  created?: { pipeline: string; created_at: string; trigger: string; commit_sha?: string };
  /** The status after the append, when it changed. */
  status?: ExecutionStatus;
  /** When the append finishes the execution. */
  finished_at?: string;
}

const EXECUTION_STATUSES: readonly ExecutionStatus[] = ['pending', 'running', 'succeeded', 'failed', 'cancelled'];

export function isExecutionStatus(value: string): value is ExecutionStatus {
  return (EXECUTION_STATUSES as readonly string[]).includes(value);
}

export function summaryChange(events: readonly NewEvent[]): SummaryChange | undefined {
  let change: SummaryChange | undefined;
  for (const event of events) {
    if (event.type === 'execution.created') {
      change = {
        ...change,
        created: { pipeline: event.pipeline, created_at: event.at, trigger: event.trigger, ...(event.commit_sha ? { commit_sha: event.commit_sha } : {}) },
        status: 'running',
      };
    } else if (event.type === 'execution.finished') {
      change = { ...change, status: event.status, finished_at: event.at };
    } else if (event.type === 'state.overridden' && event.task === undefined && isExecutionStatus(event.status)) {
      change = { ...change, status: event.status };
    }
  }
  return change;
}

export const DEFAULT_LIST_LIMIT = 50;

/** Position in the newest-first order: creation time, then id, both descending. */
export interface ListPosition {
  /** `created_at` in epoch milliseconds. */
  createdMs: number;
  /** Breaks ties between executions created in the same millisecond. */
  executionId: string;
}

export function encodeCursor(position: ListPosition): string {
  return Buffer.from(JSON.stringify([position.createdMs, position.executionId])).toString('base64url');
}

export function decodeCursor(cursor: string): ListPosition {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && Number.isFinite(value[0]) && typeof value[1] === 'string') {
      return { createdMs: value[0] as number, executionId: value[1] };
    }
  } catch {
    // Reported below with the fix.
  }
  throw new UsageError(`Expected a list cursor returned as \`nextCursor\` by a previous page, got ${JSON.stringify(cursor)}`);
}

/** Validates `limit` once for both stores. */
export function listLimit(request: ListRequest): number {
  const limit = request.limit ?? DEFAULT_LIST_LIMIT;
  if (!Number.isSafeInteger(limit) || limit < 1) throw new UsageError(`Expected the list \`limit\` to be a positive integer, got ${String(limit)}`);
  return limit;
}

/** Is `a` after `b` in newest-first order? */
export function comesAfter(a: ListPosition, b: ListPosition): boolean {
  return a.createdMs < b.createdMs || (a.createdMs === b.createdMs && a.executionId < b.executionId);
}

export function positionOf(summary: ExecutionSummary): ListPosition {
  return { createdMs: Date.parse(summary.created_at), executionId: summary.execution_id };
}

/**
 * A summary with its fields in one order and no empty ones, or undefined while the creation
 * (pipeline, time, trigger) is unknown: both stores build what `list` returns here.
 */
export function completeSummary(fields: Partial<Record<keyof ExecutionSummary, string | undefined>>): ExecutionSummary | undefined {
  const { execution_id, pipeline, status, created_at, finished_at, commit_sha, trigger } = fields;
  if (!execution_id || !pipeline || !status || !created_at || !trigger || !isExecutionStatus(status)) return undefined;
  return { execution_id, pipeline, status, created_at, ...(finished_at ? { finished_at } : {}), ...(commit_sha ? { commit_sha } : {}), trigger };
}

export function matchesFilter(summary: ExecutionSummary, request: ListRequest): boolean {
  if (request.pipeline !== undefined && summary.pipeline !== request.pipeline) return false;
  if (request.status !== undefined && !request.status.includes(summary.status)) return false;
  if (request.since !== undefined && Date.parse(summary.created_at) < request.since.getTime()) return false;
  return true;
}

/** Cuts one page out of candidates already in newest-first order and past the cursor. */
export function pageOf(ordered: readonly ExecutionSummary[], limit: number): ListPage {
  const executions = ordered.slice(0, limit);
  const last = executions.at(-1);
  return ordered.length > limit && last ? { executions, nextCursor: encodeCursor(positionOf(last)) } : { executions };
}

import { UsageError } from '../errors.js';
import { postJson, type Delivery } from '../notify/post-json.js';
import type { RollbackPlan } from './plan-rollback.js';

/** What `--notify URL` receives once the rollback execution has finished. */
export interface RollbackNotice {
  event: 'rollback.completed';
  execution_id: string;
  rollback_of: string;
  pipeline: string;
  strategy: RollbackPlan['strategy'];
  status: string;
  reason: string | null;
  commit_sha: string;
  restored_from: string | null;
  restored: string[];
  rerun: string[];
}

/** Checked before the rollback starts, so a typo does not surface only after the work is done. */
export function checkNotifyUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--notify \`${url}\` is not a URL; give an http:// or https:// address`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError(`--notify takes an http:// or https:// URL, got ${parsed.protocol}//`);
  return parsed;
}

/** POSTs the notice as JSON (retrying 5xx and network errors); never throws. */
export function notifyRollback(url: URL, notice: RollbackNotice): Promise<Delivery> {
  return postJson({ url: url.href, body: JSON.stringify(notice), timeoutMs: 10_000 });
}

import { makeRedactor } from '../executors/redact.js';
import type { NewEvent } from '../state/events.js';
import type { StateStore } from '../state/state-store.js';

/**
 * A redactor over a set of secrets that grows while the execution runs (secrets are collected as
 * templates render them); it is rebuilt only when the set has grown.
 */
export function makeGrowingRedactor(secrets: ReadonlySet<string>): (text: string) => string {
  let size = -1;
  let redact: (text: string) => string = (text) => text;
  return (text) => {
    if (secrets.size !== size) {
      size = secrets.size;
      redact = makeRedactor([...secrets]);
    }
    return redact(text);
  };
}

/**
 * Masks every string of an event, at any depth; numbers, booleans and keys are left alone. Every
 * event of a launch passes here, and almost none holds a secret: what nothing changed in is
 * returned as it is, so only an event that held a secret is copied.
 */
export function redactEvent<T extends NewEvent>(event: T, redact: (text: string) => string): T {
  return redactValue(event, redact) as T;
}

function redactValue(value: unknown, redact: (text: string) => string): unknown {
  if (typeof value === 'string') return redact(value);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, index) => {
      const masked = redactValue(item, redact);
      if (masked !== item) (copy ??= [...value])[index] = masked;
    });
    return copy ?? value;
  }
  let copy: Record<string, unknown> | undefined;
  for (const [key, inner] of Object.entries(value)) {
    const masked = redactValue(inner, redact);
    if (masked !== inner) (copy ??= { ...value })[key] = masked;
  }
  return copy ?? value;
}

/**
 * The store as the engine sees it during a launch: every appended event passes through the
 * redactor first, so a secret that slipped into a failure reason or a hook message never
 * reaches the ledger (nor the archives and views built from it). `beforeFinish` runs before the
 * batch that finishes the execution is appended: once a reader sees the finish, the task output
 * is stored too (`logs --follow` stops there).
 */
export function redactingStore(store: StateStore, redact: (text: string) => string, beforeFinish?: () => Promise<void>): StateStore {
  return interceptAppends(store, async (request) => {
    if (beforeFinish && request.events.some((event) => event.type === 'execution.finished')) await beforeFinish();
    return await store.append({ ...request, events: request.events.map((event) => redactEvent(event, redact)) });
  });
}

/**
 * The store with every append going through `append` (which calls the store's own) and every
 * other call passed through unchanged; disposing it leaves the store open.
 */
export function interceptAppends(store: StateStore, append: StateStore['append']): StateStore {
  return {
    append,
    read: (executionId, options) => store.read(executionId, options),
    list: (request) => store.list(request),
    watch: (options) => store.watch(options),
    remove: (executionId) => store.remove(executionId),
    acquireLease: (request) => store.acquireLease(request),
    releaseLease: (request) => store.releaseLease(request),
    // The caller owns the store and disposes it; a wrapper never closes it.
    [Symbol.asyncDispose]: async () => {},
  };
}

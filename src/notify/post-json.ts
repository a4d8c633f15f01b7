export interface JsonPost {
  /** An absolute http:// or https:// URL. */
  url: string;
  /** Serialized already, so a caller can send a rendered template as written. */
  body: string;
  /** Sent on every attempt; `content-type: application/json` unless set here. */
  headers?: Readonly<Record<string, string>>;
  /** Per attempt: a request that takes longer is aborted and counts as a network failure. */
  timeoutMs: number;
}

export interface DeliveryOptions {
  /** Tries in all, the first included. @defaultValue 3 */
  attempts?: number;
  /** Wait before the second try; doubled before each later one, ±25 % jitter. @defaultValue 500 */
  initialDelayMs?: number;
  /** Replaces the global `fetch` (a proxy-aware client, a recorder). */
  fetch?: typeof fetch;
  /** Stops the delivery: the request in flight is dropped and no retry follows. */
  signal?: AbortSignal;
}

export interface Delivery {
  delivered: boolean;
  /** Requests sent, retries included. */
  attempts: number;
  /** The last response's status, when one came back. */
  status?: number;
  /** Why the last try failed, in words: the status line and the start of the body, or the network error. */
  failure?: string;
  /** False when the receiver refused the request (4xx): sending it again would not help. */
  retryable?: boolean;
  /** Set when `signal` stopped the delivery. */
  stopped?: true;
}

export const DELIVERY_DEFAULTS = { attempts: 3, initialDelayMs: 500 } satisfies DeliveryOptions;

/** Most response bytes quoted in a failure: receivers such as Slack explain a 400 in a few words. */
const QUOTED_BODY_BYTES = 200;

/**
 * POSTs a JSON document and retries what may pass on a second try: 5xx responses, network
 * errors and timeouts, with exponential backoff. A 4xx is the receiver saying the request is
 * wrong (bad URL, bad token, bad payload) and is never retried. Never throws.
 */
export async function postJson(post: JsonPost, options: DeliveryOptions = {}): Promise<Delivery> {
  const attempts = Math.max(1, options.attempts ?? DELIVERY_DEFAULTS.attempts);
  const initialDelayMs = options.initialDelayMs ?? DELIVERY_DEFAULTS.initialDelayMs;
  const send = options.fetch ?? fetch;
  const stopped = options.signal;
  let last: Delivery = { delivered: false, attempts: 0 };
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await sleep(backoffMs(attempt - 1, initialDelayMs), stopped);
    if (stopped?.aborted) return { ...last, delivered: false, failure: 'stopped before it was delivered', stopped: true };
    last = { ...(await sendOnce(send, post, stopped)), attempts: attempt };
    if (last.delivered || last.retryable === false || last.stopped) return last;
  }
  return last;
}

async function sendOnce(send: typeof fetch, post: JsonPost, stopped: AbortSignal | undefined): Promise<Omit<Delivery, 'attempts'>> {
  const timeout = AbortSignal.timeout(post.timeoutMs);
  const signal = stopped ? AbortSignal.any([stopped, timeout]) : timeout;
  try {
    const response = await send(post.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...post.headers },
      body: post.body,
      signal,
    });
    if (response.ok) {
      // Read to the end so the connection can be reused; the body itself does not matter.
      await response.arrayBuffer().catch(() => undefined);
      return { delivered: true, status: response.status };
    }
    const quoted = await quoteBody(response);
    const statusLine = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
    return { delivered: false, status: response.status, failure: quoted ? `${statusLine}: ${quoted}` : statusLine, retryable: response.status >= 500 };
  } catch (error) {
    if (stopped?.aborted) return { delivered: false, failure: 'stopped before it was delivered', stopped: true };
    if (timeout.aborted) return { delivered: false, failure: `no response within ${formatSeconds(post.timeoutMs)}`, retryable: true };
    const reason = error instanceof Error ? error.message : String(error);
    const detail = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return { delivered: false, failure: `${reason}${detail}`, retryable: true };
  }
}

/** The start of the response body on one line, without reading a large body to its end. */
async function quoteBody(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < QUOTED_BODY_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A body that breaks off still leaves the status to report.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const text = Buffer.concat(chunks).subarray(0, QUOTED_BODY_BYTES).toString('utf8');
  return text.replace(/\s+/g, ' ').trim();
}

/** Before try `retry + 1`: doubling, with ±25 % jitter so the retries of many hooks spread out. */
function backoffMs(retry: number, initialDelayMs: number): number {
  const base = initialDelayMs * 2 ** (retry - 1);
  return Math.round(base + base * 0.25 * (Math.random() * 2 - 1));
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

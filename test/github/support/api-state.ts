/** Rules GitHub enforces that its OpenAPI description does not encode. */
export const MAX_ANNOTATIONS_PER_REQUEST = 50;
export const MAX_COMMENT_LENGTH = 65_536;

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: string;
  message: string;
  title?: string;
  start_column?: number;
  end_column?: number;
}

export interface CheckRunState {
  id: number;
  name: string;
  headSha: string;
  status: string;
  conclusion: string | null;
  title?: string;
  summary?: string;
  annotations: Annotation[];
  /** How many requests carried annotations, to see they were split. */
  annotationRequests: number;
}

export interface CommentState {
  id: number;
  issueNumber: number;
  body: string;
  updates: number;
}

export interface StatusState {
  sha: string;
  state: string;
  context: string;
  description?: string;
}

export interface PullState {
  number: number;
  headSha: string;
  headRef: string;
  baseSha: string;
  baseRef: string;
  files: string[];
}

export interface ServerState {
  checkRuns: CheckRunState[];
  comments: CommentState[];
  statuses: StatusState[];
  /** Pull requests a test declares; `GET /pulls/{n}` and `GET /pulls/{n}/files` answer from here. */
  pulls: Map<number, PullState>;
  nextId: number;
}

export interface OperationInput {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  baseUrl: string;
  path: string;
}

export type OperationAnswer = { status: number; fields?: unknown; link?: string } | { refusal: string };

type Body = Record<string, unknown> & { output?: { title?: string; summary?: string; annotations?: Annotation[] } };

/**
 * Applies one accepted request to the state and says what to answer (fields the response must
 * carry); undefined for operations that keep no state, which get a bare schema-valid answer.
 */
export function handleOperation(state: ServerState, operationId: string, input: OperationInput): OperationAnswer | undefined {
  return HANDLERS[operationId]?.(state, input, (input.body ?? {}) as Body);
}

const HANDLERS: Record<string, (state: ServerState, input: OperationInput, body: Body) => OperationAnswer> = {
  'checks/create': (state, input, body) => {
    const run: CheckRunState = { id: state.nextId++, name: String(body.name), headSha: String(body.head_sha), status: 'queued', conclusion: null, annotations: [], annotationRequests: 0 };
    const refusal = applyCheckRun(run, body);
    if (refusal) return { refusal };
    state.checkRuns.push(run);
    return { status: 201, fields: checkRunFields(run, input.baseUrl) };
  },
  'checks/update': (state, input, body) => {
    const run = state.checkRuns.find((candidate) => candidate.id === Number(input.params.check_run_id));
    if (!run) return { refusal: `no check run ${input.params.check_run_id}` };
    const refusal = applyCheckRun(run, body);
    return refusal ? { refusal } : { status: 200, fields: checkRunFields(run, input.baseUrl) };
  },
  'checks/get': (state, input) => {
    const run = state.checkRuns.find((candidate) => candidate.id === Number(input.params.check_run_id));
    return run ? { status: 200, fields: checkRunFields(run, input.baseUrl) } : { refusal: `no check run ${input.params.check_run_id}` };
  },
  'repos/create-commit-status': (state, input, body) => {
    state.statuses.push({ sha: input.params.sha ?? '', state: String(body.state), context: String(body.context ?? 'default'), description: body.description as string | undefined });
    return { status: 201, fields: { id: state.nextId++, state: body.state, context: body.context ?? 'default', description: body.description ?? null } };
  },
  'issues/list-comments': (state, input) => {
    const comments = state.comments.filter((comment) => comment.issueNumber === Number(input.params.issue_number));
    return paginate(comments.map((comment) => commentFields(comment, input.baseUrl)), input);
  },
  'issues/create-comment': (state, input, body) => {
    const refusal = checkCommentBody(body.body);
    if (refusal) return { refusal };
    const comment: CommentState = { id: state.nextId++, issueNumber: Number(input.params.issue_number), body: String(body.body), updates: 0 };
    state.comments.push(comment);
    return { status: 201, fields: commentFields(comment, input.baseUrl) };
  },
  'issues/update-comment': (state, input, body) => {
    const comment = state.comments.find((candidate) => candidate.id === Number(input.params.comment_id));
    if (!comment) return { refusal: `no comment ${input.params.comment_id}` };
    const refusal = checkCommentBody(body.body);
    if (refusal) return { refusal };
    comment.body = String(body.body);
    comment.updates++;
    return { status: 200, fields: commentFields(comment, input.baseUrl) };
  },
  'pulls/get': (state, input) => {
    const pull = state.pulls.get(Number(input.params.pull_number));
    if (!pull) return { refusal: `no pull request ${input.params.pull_number} declared by the test` };
    return { status: 200, fields: { number: pull.number, state: 'open', head: { sha: pull.headSha, ref: pull.headRef, label: pull.headRef }, base: { sha: pull.baseSha, ref: pull.baseRef, label: pull.baseRef } } };
  },
  'pulls/list-files': (state, input) => {
    const pull = state.pulls.get(Number(input.params.pull_number));
    if (!pull) return { refusal: `no pull request ${input.params.pull_number} declared by the test` };
    return paginate(pull.files.map((filename) => ({ filename, status: 'modified', additions: 1, deletions: 0, changes: 1 })), input);
  },
};

function applyCheckRun(run: CheckRunState, body: Body): string | undefined {
  const annotations = body.output?.annotations ?? [];
  if (annotations.length > MAX_ANNOTATIONS_PER_REQUEST) return `output.annotations has ${annotations.length} items; GitHub takes at most ${MAX_ANNOTATIONS_PER_REQUEST} per request`;
  const completing = body.status === 'completed' || body.completed_at !== undefined;
  const conclusion = (body.conclusion as string | undefined) ?? run.conclusion;
  if (completing && !conclusion) return 'a check run marked completed needs a conclusion';
  if (body.status) run.status = String(body.status);
  if (body.conclusion) {
    run.conclusion = String(body.conclusion);
    run.status = 'completed';
  }
  if (body.output?.title !== undefined) run.title = body.output.title;
  if (body.output?.summary !== undefined) run.summary = body.output.summary;
  if (annotations.length > 0) {
    run.annotations.push(...annotations);
    run.annotationRequests++;
  }
  return undefined;
}

function checkRunFields(run: CheckRunState, baseUrl: string) {
  return {
    id: run.id,
    name: run.name,
    head_sha: run.headSha,
    status: run.status,
    conclusion: run.conclusion,
    url: `${baseUrl}/check-runs/${run.id}`,
    output: { title: run.title ?? null, summary: run.summary ?? null, text: null, annotations_count: run.annotations.length, annotations_url: `${baseUrl}/check-runs/${run.id}/annotations` },
  };
}

function commentFields(comment: CommentState, baseUrl: string) {
  return { id: comment.id, body: comment.body, url: `${baseUrl}/comments/${comment.id}`, html_url: `https://github.example/comments/${comment.id}` };
}

function checkCommentBody(body: unknown): string | undefined {
  if (typeof body !== 'string') return 'body must be a string';
  return body.length > MAX_COMMENT_LENGTH ? `body is ${body.length} characters; GitHub takes at most ${MAX_COMMENT_LENGTH}` : undefined;
}

/** GitHub's page/per_page pagination with a `Link: <…>; rel="next"` header. */
function paginate(items: unknown[], input: OperationInput): OperationAnswer {
  const perPage = Math.min(Number(input.query.get('per_page') ?? 30), 100);
  const page = Number(input.query.get('page') ?? 1);
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const link = page * perPage < items.length ? `<${input.baseUrl}${input.path}?per_page=${perPage}&page=${page + 1}>; rel="next"` : undefined;
  return { status: 200, fields: slice, link };
}

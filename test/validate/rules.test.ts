import { describe, expect, it } from 'vitest';
import { DEFAULT_LOAD_LIMITS, type LoadLimits } from '../../src/spec/load-source.js';
import { sortFindings, type Finding } from '../../src/validate/finding.js';
import { RULE_IDS, RULES, type RuleId } from '../../src/validate/rules.js';
import { validatePipelineFile } from '../../src/validate/validate-pipeline.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/**
 * One named case per behaviour of every rule outside `connections/*` and `resources/*`:
 * a small pipeline (lines listed one per entry, so line numbers can be read off the table)
 * and every finding it must produce, with its exact position. Positions are 1-based;
 * `endColumn` is exclusive.
 */

interface Expected {
  rule: RuleId;
  severity: Finding['severity'];
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  /** A part of the message that matters (a suggestion, a hint, a name). */
  message?: string;
}

interface Case {
  name: string;
  /** The pipeline, one entry per line; a Buffer for byte-level cases. */
  yaml: string[] | Buffer;
  strict?: boolean;
  /** Files that exist in the repository root. */
  files?: string[];
  limits?: Partial<LoadLimits>;
  expected: Expected[];
  /** For strict cases: what the same file gives without `--strict` (default: nothing). */
  lenient?: Expected[];
}

/** `rule` at `line:column`, ending at `endLine:endColumn` when given. */
function at(rule: RuleId, position: [line: number, column: number, endLine?: number, endColumn?: number], message?: string, severity?: Finding['severity']): Expected {
  const [line, column, endLine, endColumn] = position;
  return { rule, severity: severity ?? RULES[rule].severity, line, column, ...(endLine === undefined ? {} : { endLine, endColumn }), ...(message === undefined ? {} : { message }) };
}

const HEADER = ['version: "2.1"', 'name: demo'];

/** A header and one stage `s` whose task lines follow `    tasks:` (task lines start on line 6). */
const oneStage = (...taskLines: string[]) => [...HEADER, 'stages:', '  - name: s', '    tasks:', ...taskLines];

const STRUCTURE: Case[] = [
  {
    name: 'a minimal valid pipeline',
    yaml: oneStage('      - name: t', '        type: noop'),
    expected: [],
  },
  {
    name: 'templates that are fine: builtins, env, secrets, task, pipeline, and variables holding templates',
    strict: true,
    yaml: [
      ...HEADER,
      'variables:',
      '  DAY: "{{ ds }}"',
      '  OUT: "out/{{ DAY }}/{{ pipeline.name }}"',
      '  DEEP: "{{ OUT }}/{{ ds_nodash }}"',
      'stages:',
      '  - name: s',
      '    tasks:',
      '      - name: t',
      '        type: shell',
      '        command: "echo {{ ds }} {{ env.HOME }} {{ secrets.TOKEN }} {{ task.name }} {{ pipeline.name }} {{ execution_id }} {{ DEEP }}"',
      '        timeout: 5m',
      '        env:',
      '          RUN_AT: "{{ OUT }}"',
      '          API_TOKEN: "{{ secrets.API_TOKEN }}"',
      '        output_artifacts:',
      '          - path: "{{ OUT }}/report.csv"',
      '          - path: "runs/{{ execution_id }}/log.txt"',
    ],
    expected: [],
  },
  {
    name: 'file-unreadable: the path does not exist',
    yaml: [],
    expected: [at('structure/file-unreadable', [1, 1, 1, 1], 'Cannot read the file')],
  },
  {
    name: 'file-too-large: over the configured limit, reported at the start',
    yaml: oneStage('      - name: t', '        type: noop'),
    limits: { maxFileBytes: 64 },
    expected: [at('structure/file-too-large', [1, 1, 1, 1], 'over the limit of 64 bytes')],
  },
  {
    name: 'invalid-utf8: at the first bad byte',
    yaml: Buffer.concat([Buffer.from(`${oneStage('      - name: t', '        type: noop', '        description: "caf\u00e9 ').join('\n')}`), Buffer.from([0xff]), Buffer.from(' bad"\n')]),
    expected: [at('structure/invalid-utf8', [8, 28, 8, 29], 'Invalid UTF-8 at byte')],
  },
  {
    name: 'yaml-syntax: an unclosed quote is reported at the quote that opens it',
    yaml: oneStage('      - name: "t', '        type: noop'),
    expected: [at('structure/yaml-syntax', [6, 15, 7, 19], 'never closed; add the closing `"`')],
  },
  {
    name: 'yaml-syntax: `- type:Promote` followed by its config, with the space-after-colon hint; the rest of the file is still checked',
    yaml: oneStage(
      '      - name: t',
      '        type: noop',
      '        dependencies: [nowhere]',
      '        on_success:',
      '          - type:Promote',
      '            config:',
      '              bucket: s3://models/',
    ),
    expected: [
      at('graph/unknown-dependency', [8, 24, 8, 31], '`nowhere`'),
      at('structure/yaml-syntax', [10, 13, 11, 19], 'YAML needs a space after the colon: `type: Promote`'),
    ],
  },
  {
    name: 'duplicate-key: at the second key; the rest of the file is still checked',
    yaml: [...HEADER, 'name: again', 'stages:', '  - name: s', '    tasks:', '      - name: t', '        type: noop', '        timout: 1m'],
    expected: [
      at('structure/duplicate-key', [3, 1], 'Map keys must be unique'),
      at('structure/unknown-key', [9, 9, 9, 15], 'did you mean `timeout`?'),
    ],
  },
  {
    name: 'alias-limit: a YAML bomb is reported at its aliases, not at a `*` in a cron expression',
    yaml: [
      ...HEADER,
      'schedule:',
      '  cron: "0 2 * * *"',
      '  timezone: UTC',
      'a: &a [x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'stages: [{ name: s, tasks: [{ name: t, type: noop, x: *d }] }]',
    ],
    expected: [at('structure/alias-limit', [8, 8, 8, 9], 'YAML bomb')],
  },
  {
    name: 'nesting-depth: 10,000 nested flow sequences are refused before parsing',
    yaml: [...HEADER, `x: ${'['.repeat(10_000)}${']'.repeat(10_000)}`],
    expected: [at('structure/nesting-depth', [3, 67, 3, 68], 'Nesting deeper than 64 levels')],
  },
  {
    name: 'not-a-pipeline: a list',
    yaml: ['- a', '- b'],
    expected: [at('structure/not-a-pipeline', [1, 1, 2, 4], 'got a list')],
  },
  {
    name: 'not-a-pipeline: an empty file',
    yaml: [''],
    expected: [at('structure/not-a-pipeline', [1, 1, 1, 1], 'got `null`')],
  },
  {
    name: 'required-field: at the mapping that lacks it (the document, a task)',
    yaml: ['version: "2.1"', 'stages:', '  - name: s', '    tasks:', '      - name: t', '        type: shell'],
    expected: [
      at('structure/required-field', [1, 1, 6, 20], 'Missing required field `name`'),
      at('structure/required-field', [5, 9, 6, 20], 'Missing required field `command` for `shell` tasks'),
    ],
  },
  {
    name: 'required-field: a task without `type`, and each type\'s own field',
    yaml: oneStage(
      '      - name: t',
      '      - name: h',
      '        type: http',
      '      - name: d',
      '        type: docker',
      '      - name: k',
      '        type: kubernetes_manifest',
      '      - name: j',
      '        type: spark_job',
      '      - name: q',
      '        type: sql_script',
    ),
    expected: [
      at('structure/required-field', [6, 9, 6, 16], 'Missing required field `type`: one of shell'),
      at('structure/required-field', [7, 9, 8, 19], '`url` for `http` tasks'),
      at('structure/required-field', [9, 9, 10, 21], '`image` for `docker` tasks'),
      at('structure/required-field', [11, 9, 12, 34], '`manifest` for `kubernetes_manifest` tasks'),
      at('structure/required-field', [13, 9, 14, 24], '`application` for `spark_job` tasks'),
      at('structure/required-field', [15, 9, 16, 25], '`script` for `sql_script` tasks'),
    ],
  },
  {
    name: 'invalid-type: a string where a list is expected',
    yaml: oneStage('      - name: t', '        type: noop', '        dependencies: extract.pull'),
    expected: [at('structure/invalid-type', [8, 23, 8, 35], '`dependencies` must be a list, got `extract.pull` (string)')],
  },
  {
    name: 'invalid-type: `- type:Promote` alone is a string where a hook mapping is expected, with the hint',
    yaml: oneStage('      - name: t', '        type: noop', '        on_success:', '          - type:Promote'),
    expected: [at('structure/invalid-type', [9, 13, 9, 25], 'must be a mapping, got `type:Promote` (string); YAML needs a space after the colon: `type: Promote`')],
  },
  {
    name: 'invalid-value: durations, quantities, enums, ranges and the format version, each at its value',
    yaml: [
      'version: "2.0"',
      'name: demo',
      'config:',
      '  timeout: 10 minutes',
      '  max_concurrent: 0',
      '  retry_policy:',
      '    backoff: expo',
      'stages:',
      '  - name: s',
      '    tasks:',
      '      - name: t',
      '        type: noop',
      '        resources:',
      '          cpu: lots',
      '          memory: 4 GB',
    ],
    expected: [
      at('structure/invalid-value', [1, 10, 1, 15], '`version` must be "2.1"'),
      at('structure/invalid-value', [4, 12, 4, 22], 'Invalid duration `10 minutes`'),
      at('structure/invalid-value', [5, 19, 5, 20], '`max_concurrent`'),
      at('structure/invalid-value', [7, 14, 7, 18], '`backoff` must be one of `exponential`, `linear`, `constant`, got `expo` (string)'),
      at('structure/invalid-value', [14, 16, 14, 20], 'Invalid CPU quantity `lots`'),
      at('structure/invalid-value', [15, 19, 15, 23], 'Invalid memory quantity `4 GB`'),
    ],
  },
  {
    name: 'invalid-value: a bad variable or env name is reported at the key, with the key rule\'s message',
    yaml: [...HEADER, 'variables:', '  1DAY: x', 'stages:', '  - name: s', '    tasks:', '      - name: t', '        type: noop', '        env:', '          9LIVES: y'],
    expected: [
      at('structure/invalid-value', [4, 3, 4, 7], 'Invalid key `1DAY`: Variable names use letters, digits and `_`'),
      at('structure/invalid-value', [11, 11, 11, 17], 'Invalid key `9LIVES`: Environment variable names'),
    ],
  },
  {
    name: 'unknown-key: a warning at the key, with a suggestion from the right mapping',
    yaml: oneStage(
      '      - name: t',
      '        type: noop',
      '        timout: 1m',
      '        command: echo',
      '        retry: { bakoff: linear }',
      '        on_failure:',
      '          - type: log',
      '            confg: {}',
      '    descripton: d',
    ),
    expected: [
      at('structure/unknown-key', [8, 9, 8, 15], 'Unknown key `timout`; did you mean `timeout`?'),
      at('structure/unknown-key', [9, 9, 9, 16], '`command` is not used by `noop` tasks'),
      at('structure/unknown-key', [10, 18, 10, 24], 'did you mean `backoff`?'),
      at('structure/unknown-key', [13, 13, 13, 18], 'did you mean `config`?'),
      at('structure/unknown-key', [14, 5, 14, 15], 'did you mean `description`?'),
    ],
  },
  {
    name: 'unknown-key: an error under --strict',
    strict: true,
    yaml: oneStage('      - name: t', '        type: noop', '        timeout: 1m', '        tensorboard: {}'),
    expected: [at('structure/unknown-key', [9, 9, 9, 20], 'Unknown key `tensorboard`', 'error')],
    lenient: [at('structure/unknown-key', [9, 9, 9, 20], 'Unknown key `tensorboard`', 'warning')],
  },
  {
    name: 'unknown-task-type: at the type, with a suggestion',
    yaml: oneStage('      - name: t', '        type: shel', '        command: echo'),
    expected: [at('structure/unknown-task-type', [7, 15, 7, 19], 'Unknown task type `shel` (string); did you mean `shell`?')],
  },
  {
    name: 'duplicate-name: a stage and a task of one stage, at the second name',
    yaml: [
      ...HEADER,
      'stages:',
      '  - name: s',
      '    tasks:',
      '      - { name: t, type: noop }',
      '      - { name: t, type: noop }',
      '  - name: s',
      '    tasks:',
      '      - { name: u, type: noop }',
    ],
    expected: [
      at('structure/duplicate-name', [7, 17, 7, 18], 'Task `t` is defined twice in stage `s`'),
      at('structure/duplicate-name', [8, 11, 8, 12], 'Stage `s` is defined twice'),
    ],
  },
  {
    name: 'missing-file: scripts, applications, manifests and hook files; present and templated paths are fine',
    files: ['tasks/present.py'],
    yaml: oneStage(
      '      - { name: a, type: python_script, script: tasks/present.py }',
      '      - { name: b, type: python_script, script: ./tasks/absent.py }',
      '      - { name: c, type: spark_job, application: spark/job.py }',
      '      - { name: d, type: kubernetes_manifest, manifest: k8s/job.yaml }',
      '      - { name: e, type: python_script, script: "tasks/{{ ds }}.py" }',
      '      - name: f',
      '        type: noop',
      '        post_hooks:',
      '          - { type: sql, script: sql/stats.sql }',
      '          - { type: notify, config: { url: "https://example.com", template: templates/alert.json } }',
    ),
    expected: [
      at('structure/missing-file', [7, 49, 7, 66], '`./tasks/absent.py` does not exist'),
      at('structure/missing-file', [8, 50, 8, 62], '`spark/job.py`'),
      at('structure/missing-file', [9, 57, 9, 69], '`k8s/job.yaml`'),
      at('structure/missing-file', [14, 34, 14, 47], '`sql/stats.sql`'),
      at('structure/missing-file', [15, 77, 15, 97], '`templates/alert.json`'),
    ],
  },
  {
    name: 'path-escape: relative and absolute paths outside the repository',
    yaml: oneStage(
      '      - name: a',
      '        type: python_script',
      '        script: ../../etc/passwd',
      '      - name: b',
      '        type: sql_script',
      '        script: /etc/passwd',
    ),
    expected: [
      at('structure/path-escape', [8, 17, 8, 33], '`../../etc/passwd` resolves outside the repository root'),
      at('structure/path-escape', [11, 17, 11, 28], '`/etc/passwd` resolves outside'),
    ],
  },
  {
    name: 'invalid-cron: an hour out of range',
    yaml: [...oneStage('      - { name: t, type: noop }'), 'schedule:', '  cron: "0 25 * * *"', '  timezone: UTC'],
    expected: [at('structure/invalid-cron', [8, 9, 8, 21], 'Invalid cron expression `0 25 * * *`')],
  },
  {
    name: 'invalid-cron: words instead of fields',
    yaml: [...oneStage('      - { name: t, type: noop }'), 'schedule:', '  cron: every day', '  timezone: UTC'],
    expected: [at('structure/invalid-cron', [8, 9, 8, 18], 'Invalid cron expression `every day`')],
  },
  {
    name: 'unknown-timezone: with a suggestion',
    yaml: [...oneStage('      - { name: t, type: noop }'), 'schedule:', '  cron: "0 2 * * *"', '  timezone: America/New_Yrok'],
    expected: [at('structure/unknown-timezone', [9, 13, 9, 29], 'did you mean `America/New_York`?')],
  },
  ...['US/Eastern', 'Etc/UTC', 'UTC', 'america/new_york'].map((zone) => ({
    name: `unknown-timezone: none for \`${zone}\`, a name the runtime accepts though it does not list it`,
    yaml: [...oneStage('      - { name: t, type: noop }'), 'schedule:', '  cron: "0 2 * * *"', `  timezone: ${zone}`],
    expected: [],
  })),
  {
    name: 'unknown-timezone: a made-up zone, with nothing close to suggest',
    yaml: [...oneStage('      - { name: t, type: noop }'), 'schedule:', '  cron: "0 2 * * *"', '  timezone: Mars/Olympus_Mons'],
    expected: [at('structure/unknown-timezone', [9, 13, 9, 30], 'Unknown time zone `Mars/Olympus_Mons`')],
  },
  {
    name: 'unknown-resource-stage: a key under resources that names no stage',
    yaml: [...HEADER, 'resources:', '  defualt: { cpu: 1 }', '  s: { cpu: 2 }', 'stages:', '  - name: s', '    tasks:', '      - { name: t, type: noop }'],
    expected: [at('structure/unknown-resource-stage', [4, 3, 4, 10], 'did you mean `default`?')],
  },
  {
    name: 'hook-config: each hook type without what it needs, at its type',
    yaml: [
      ...oneStage('      - { name: t, type: noop }'),
      'notifications:',
      '  on_failure:',
      '    - type: sql',
      '    - type: shell',
      '    - type: notify',
      '      config: {}',
      '    - type: webhook',
      '    - type: quarantine',
      '    - type: slack',
      '    - type: log',
    ],
    expected: [
      at('structure/hook-config', [9, 13, 9, 16], 'A `sql` hook needs `script:`'),
      at('structure/hook-config', [10, 13, 10, 18], 'A `shell` hook needs `command:`'),
      at('structure/hook-config', [11, 13, 11, 19], '`config.webhook` or `config.url`'),
      at('structure/hook-config', [13, 13, 13, 20], 'A `webhook` hook needs'),
    ],
  },
  {
    name: 'remote-artifact-store: a remote upload_to and a remote input, at their values',
    yaml: oneStage(
      '      - name: t',
      '        type: noop',
      '        output_artifacts:',
      '          - { path: a.csv, upload_to: s3://bucket/a/ }',
      '        input_artifacts:',
      '          - s3://bucket/in.csv',
    ),
    expected: [
      at('structure/remote-artifact-store', [9, 39, 9, 53], '`upload_to: s3://bucket/a/` of `s.t` names a remote store (s3://)'),
      at('structure/remote-artifact-store', [11, 13, 11, 31], 'Input `s3://bucket/in.csv` of `s.t` is in a remote store'),
    ],
  },
  {
    name: 'unsupported-hook: hook types that are accepted but never run, at their type',
    yaml: [
      ...oneStage('      - { name: t, type: noop, on_failure: [{ type: reject }] }'),
      'notifications:',
      '  on_failure:',
      '    - type: email',
      '    - type: pagerduty',
      '    - type: log',
    ],
    expected: [
      at('structure/unsupported-hook', [6, 53, 6, 59], '`reject` hooks are not run by this version'),
      at('structure/unsupported-hook', [9, 13, 9, 18], '`email` hooks are not run'),
      at('structure/unsupported-hook', [10, 13, 10, 22], '`pagerduty` hooks are not run'),
    ],
  },
  {
    name: 'template-expression: every kind of expression, each at its own `{{`',
    yaml: [
      ...HEADER,
      'stages:',
      '  - name: s',
      '    tasks:',
      '      - name: t',
      '        type: shell',
      `        command: "{{ a + b }} {{ x | upper }} {{ f(x) }} {{ 'on' if ok else 'off' }}"`,
      '        description: "{{ pipeline.id }} {{ foo.bar }} {{ }} {{ open"',
    ],
    expected: [
      at('structure/template-expression', [8, 19, 8, 21], 'arithmetic and comparisons are not evaluated'),
      at('structure/template-expression', [8, 31, 8, 33], 'filters are not evaluated'),
      at('structure/template-expression', [8, 47, 8, 49], 'function calls are not evaluated'),
      at('structure/template-expression', [8, 58, 8, 60], 'conditionals and loops are not evaluated'),
      at('structure/template-expression', [9, 23, 9, 25], 'only `pipeline.name` is'),
      at('structure/template-expression', [9, 41, 9, 43], '`foo.bar` is not a known namespace'),
      at('structure/template-expression', [9, 55, 9, 57], 'it is empty'),
      at('structure/template-expression', [9, 61, 9, 63], 'never closed'),
    ],
  },
  {
    name: 'undefined-template-name: at the `{{`, in quoted and block scalars, with a suggestion',
    yaml: [
      ...HEADER,
      'variables:',
      '  RUN_DATE: "{{ ds }}"',
      'stages:',
      '  - name: s',
      '    tasks:',
      '      - name: t',
      '        type: shell',
      '        command: |',
      '          echo {{ RUN_DATE }}',
      '          echo {{ RUN_DAT }} {{ PD_SERVICE_KEY }}',
      '        env:',
      '          KEY: "{{ PD_SERVICE_KEY }}"',
    ],
    expected: [
      at('structure/undefined-template-name', [12, 16, 12, 18], '`{{ RUN_DAT }}` names no variable of this pipeline; did you mean `RUN_DATE`?'),
      at('structure/undefined-template-name', [12, 30, 12, 32], 'use `{{ env.PD_SERVICE_KEY }}` or `{{ secrets.PD_SERVICE_KEY }}`'),
      at('structure/undefined-template-name', [14, 17, 14, 19], '`{{ PD_SERVICE_KEY }}`'),
    ],
  },
  {
    name: 'variable-cycle: a loop of two and a variable that names itself',
    yaml: [...HEADER, 'variables:', '  A: "{{ B }}"', '  B: "x/{{ A }}"', '  C: "{{ C }}"', 'stages:', '  - name: s', '    tasks:', '      - { name: t, type: noop }'],
    expected: [
      at('structure/variable-cycle', [4, 3, 4, 4], '`A` → `B` → `A`'),
      at('structure/variable-cycle', [6, 3, 6, 4], '`C` → `C`'),
    ],
  },
];

const GRAPH: Case[] = [
  {
    name: 'unknown-dependency: a typo, with a suggestion, at the list item',
    yaml: [
      ...HEADER,
      'stages:',
      '  - name: extract',
      '    tasks:',
      '      - { name: pull_orders, type: noop }',
      '  - name: load',
      '    tasks:',
      '      - name: push',
      '        type: noop',
      '        dependencies:',
      '          - extract.pull_order',
      '          - nothing_like_it',
    ],
    expected: [
      at('graph/unknown-dependency', [12, 13, 12, 31], 'did you mean `extract.pull_orders`?'),
      at('graph/unknown-dependency', [13, 13, 13, 28], '`nothing_like_it`, which is not a task of this pipeline'),
    ],
  },
  {
    name: 'unknown-dependency: a bare name shared by two stages is ambiguous',
    yaml: [
      ...HEADER,
      'stages:',
      '  - name: a',
      '    tasks:',
      '      - { name: x, type: noop }',
      '  - name: b',
      '    tasks:',
      '      - { name: x, type: noop }',
      '      - { name: y, type: noop, dependencies: [x, b.x] }',
    ],
    expected: [at('graph/unknown-dependency', [10, 47, 10, 48], '`x` names tasks in several stages (`a.x`, `b.x`); write `stage.task`')],
  },
  {
    name: 'self-dependency: by bare name and by stage.task; no cycle finding for it',
    yaml: oneStage('      - { name: t, type: noop, dependencies: [t] }', '      - { name: u, type: noop, dependencies: [s.u] }'),
    expected: [
      at('graph/self-dependency', [6, 47, 6, 48], 'Task `s.t` depends on itself'),
      at('graph/self-dependency', [7, 47, 7, 50], 'Task `s.u` depends on itself'),
    ],
  },
  {
    name: 'cycle: each edge of a three-task cycle, at the dependency that closes it',
    yaml: oneStage(
      '      - { name: x, type: noop, dependencies: [z] }',
      '      - { name: y, type: noop, dependencies: [x] }',
      '      - { name: z, type: noop, dependencies: [y] }',
    ),
    expected: [
      at('graph/cycle', [6, 47, 6, 48], 'Dependency cycle `s.x` → `s.y` → `s.z` → `s.x`: `s.x` depends on `s.z` here'),
      at('graph/cycle', [7, 47, 7, 48], '`s.y` depends on `s.x` here'),
      at('graph/cycle', [8, 47, 8, 48], '`s.z` depends on `s.y` here'),
    ],
  },
  {
    name: 'later-stage-dependency: stages in order cannot depend forward',
    yaml: [
      ...HEADER,
      'stages:',
      '  - name: a',
      '    tasks:',
      '      - { name: x, type: noop, dependencies: [b.y] }',
      '  - name: b',
      '    tasks:',
      '      - { name: y, type: noop }',
    ],
    expected: [at('graph/later-stage-dependency', [6, 47, 6, 50], 'depends on `b.y` of a later stage')],
  },
  {
    name: 'later-stage-dependency: allowed with config.parallel: true',
    yaml: [
      ...HEADER,
      'config: { parallel: true }',
      'stages:',
      '  - name: a',
      '    tasks:',
      '      - { name: x, type: noop, dependencies: [b.y] }',
      '  - name: b',
      '    tasks:',
      '      - { name: y, type: noop }',
    ],
    expected: [],
  },
];

const STRICT: Case[] = [
  {
    name: 'credential: a password in a URL (at the password), a cloud key, a literal token',
    strict: true,
    yaml: [
      ...HEADER,
      'variables:',
      '  DB: "postgresql://admin:hunter2@db:5432/x"',
      '  SAFE_DB: "postgresql://{{ env.USER }}:{{ secrets.DB_PASSWORD }}@db:5432/x"',
      '  AWS_ID: AKIAIOSFODNN7EXAMPLE',
      '  API_TOKEN: abc123',
      '  SAFE_TOKEN: "{{ secrets.SAFE_TOKEN }}"',
      'stages:',
      '  - name: s',
      '    tasks:',
      '      - { name: t, type: noop, timeout: 1m }',
    ],
    expected: [
      at('strict/credential', [4, 27, 4, 34], 'a password in a URL is written into the pipeline'),
      at('strict/credential', [6, 11, 6, 31], 'an AWS access key id'),
      at('strict/credential', [7, 14, 7, 20], '`API_TOKEN` holds a literal value'),
    ],
  },
  {
    name: 'missing-timeout: at the task that lacks it',
    strict: true,
    yaml: oneStage('      - name: t', '        type: noop', '      - name: u', '        type: noop', '        timeout: 1m'),
    expected: [at('strict/missing-timeout', [6, 9, 7, 19], 'Task `s.t` has no `timeout`')],
  },
  {
    name: 'schedule-timezone: at the schedule that lacks it',
    strict: true,
    yaml: [...oneStage('      - { name: t, type: noop, timeout: 1m }'), 'schedule:', '  cron: "0 2 * * *"'],
    expected: [at('strict/schedule-timezone', [8, 3, 8, 20], 'The schedule has no `timezone`')],
  },
  {
    name: 'memory-limit: container tasks with a memory request and no limit',
    strict: true,
    yaml: [
      ...HEADER,
      'resources:',
      '  default: { memory: 1Gi }',
      'stages:',
      '  - name: s',
      '    tasks:',
      '      - name: d',
      '        type: docker',
      '        image: alpine',
      '        timeout: 1m',
      '        resources:',
      '          memory: 2Gi',
      '      - { name: k, type: kubernetes_job, image: alpine, timeout: 1m }',
      '      - { name: fine, type: docker, image: alpine, timeout: 1m, resources: { limits: { memory: 3Gi } } }',
      '      - { name: local, type: noop, timeout: 1m }',
    ],
    expected: [
      at('strict/memory-limit', [12, 9, 12, 18], 'Container task `s.d` requests memory but sets no `limits.memory`'),
      at('strict/memory-limit', [14, 17, 14, 18], 'Container task `s.k`'),
    ],
  },
  {
    name: 'artifact-partition: a path with no run id or date; variables that hold one count',
    strict: true,
    yaml: [
      ...HEADER,
      'variables:',
      '  DAY: "{{ ds }}"',
      'stages:',
      '  - name: s',
      '    tasks:',
      '      - name: t',
      '        type: noop',
      '        timeout: 1m',
      '        output_artifacts:',
      '          - path: /tmp/out.parquet',
      '          - path: /tmp/out_{{ DAY }}.parquet',
      '          - path: /tmp/{{ execution_id }}/out.parquet',
      '          - path: /tmp/{{ ds_nodash }}/out.parquet',
    ],
    expected: [at('strict/artifact-partition', [12, 19, 12, 35], 'Artifact path `/tmp/out.parquet` has no `{{ execution_id }}` or date partition')],
  },
  {
    name: 'shell-substitution: `$(…)` and backticks in env values, at the substitution',
    strict: true,
    yaml: oneStage(
      '      - name: t',
      '        type: noop',
      '        timeout: 1m',
      '        env:',
      '          OUTPUT: "s3://bucket/$(date +%Y%m%d)/"',
      '          WHO: "`whoami`"',
      '          FINE: "s3://bucket/{{ ds_nodash }}/"',
    ),
    expected: [
      at('strict/shell-substitution', [10, 32, 10, 34], '`env.OUTPUT` holds `$(…)`'),
      at('strict/shell-substitution', [11, 17, 11, 18], '`env.WHO`'),
    ],
  },
];

function findingsOf(testCase: Case, strict: boolean): Finding[] {
  using repo = makeTempDir('orchestrate-rules-');
  for (const file of testCase.files ?? []) repo.write(file, '');
  const content = Buffer.isBuffer(testCase.yaml) ? testCase.yaml : `${testCase.yaml.join('\n')}\n`;
  const file = testCase.yaml.length === 0 ? `${repo.path}/pipelines/absent.yaml` : repo.write('pipelines/p.yaml', content);
  const result = validatePipelineFile(file, { strict, root: repo.path, limits: { ...DEFAULT_LOAD_LIMITS, ...testCase.limits } });
  return sortFindings([...result.findings]);
}

function expectFindings(actual: Finding[], expected: Expected[]): void {
  const pick = (finding: Finding, like: Expected | undefined) => ({
    rule: finding.rule,
    severity: finding.severity,
    line: finding.line,
    column: finding.column,
    ...(like?.endLine === undefined ? {} : { endLine: finding.endLine, endColumn: finding.endColumn }),
    ...(like?.message === undefined ? {} : { message: finding.message }),
  });
  const wanted = expected.map((item) => ({ ...item, ...(item.message === undefined ? {} : { message: expect.stringContaining(item.message) }) }));
  expect(actual.map((finding, index) => pick(finding, expected[index]))).toEqual(wanted);
}

describe.each([
  ['structure', STRUCTURE],
  ['graph', GRAPH],
  ['strict', STRICT],
])('%s rules', (_group, cases) => {
  it.each(cases.map((testCase) => [testCase.name, testCase] as const))('%s', (_name, testCase) => {
    expectFindings(findingsOf(testCase, testCase.strict === true), testCase.expected);
    if (testCase.strict) expectFindings(findingsOf(testCase, false), testCase.lenient ?? []);
  });
});

describe('rule catalog', () => {
  it('has a case with a finding for every rule outside connections/* and resources/*', () => {
    const covered = new Set([...STRUCTURE, ...GRAPH, ...STRICT].flatMap((testCase) => testCase.expected.map((item) => item.rule)));
    const uncovered = RULE_IDS.filter((rule) => RULES[rule].group !== 'connections' && RULES[rule].group !== 'resources' && !covered.has(rule));
    expect(uncovered).toEqual([]);
  });

  it('gives every finding the rule\'s help line and the file relative to the root', () => {
    const [finding] = findingsOf(GRAPH[0] as Case, false);
    expect(finding?.help).toBe(RULES['graph/unknown-dependency'].help);
    expect(finding?.file).toBe('pipelines/p.yaml');
  });
});

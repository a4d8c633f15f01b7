export type Severity = 'error' | 'warning' | 'note';

export type RuleGroup = 'structure' | 'graph' | 'strict' | 'connections' | 'resources';

export interface RuleDefinition {
  group: RuleGroup;
  severity: Severity;
  /** One line: what the rule catches. */
  summary: string;
  /** One line: how to fix it. */
  help: string;
}

/**
 * Every rule the validator knows. Ids are stable: code scanning tracks alerts by them,
 * so a rule may be added or deprecated but never renamed. `docs/rules.md` is generated from this.
 */
export const RULES = {
  'structure/file-unreadable': { group: 'structure', severity: 'error', summary: 'The pipeline file cannot be read.', help: 'Check the path and its permissions.' },
  'structure/file-too-large': { group: 'structure', severity: 'error', summary: 'The file is larger than the configured limit (10 MiB by default).', help: 'Split the pipeline, or raise the limit with `--max-file-size`.' },
  'structure/invalid-utf8': { group: 'structure', severity: 'error', summary: 'The file is not valid UTF-8.', help: 'Save the file as UTF-8.' },
  'structure/yaml-syntax': { group: 'structure', severity: 'error', summary: 'The file is not valid YAML.', help: 'Fix the syntax at the position shown; indentation and unclosed quotes or brackets are the usual causes.' },
  'structure/duplicate-key': { group: 'structure', severity: 'error', summary: 'A mapping has the same key twice, so one value would silently win.', help: 'Remove or rename one of the keys.' },
  'structure/alias-limit': { group: 'structure', severity: 'error', summary: 'YAML aliases expand past the limit (a "YAML bomb").', help: 'Write the values out, or use fewer nested aliases.' },
  'structure/nesting-depth': { group: 'structure', severity: 'error', summary: 'The document nests deeper than the limit, which no pipeline needs.', help: 'Flatten the structure.' },
  'structure/not-a-pipeline': { group: 'structure', severity: 'error', summary: 'The document is not a mapping with the pipeline fields.', help: 'Start from `orchestrate pipeline create`, or see the format in the README.' },
  'structure/required-field': { group: 'structure', severity: 'error', summary: 'A required field is missing.', help: 'Add the field; each task type lists the fields it requires.' },
  'structure/invalid-type': { group: 'structure', severity: 'error', summary: 'A value has the wrong type (for example a list where a mapping is expected).', help: 'Use the type the message names.' },
  'structure/invalid-value': { group: 'structure', severity: 'error', summary: 'A value is outside what the field accepts (an unknown enum value, a bad duration or quantity, a number out of range).', help: 'Use one of the values the message names.' },
  'structure/unknown-key': { group: 'structure', severity: 'warning', summary: 'A key the format does not define; it would be ignored (an error under `--strict`).', help: 'Fix the spelling (a suggestion is given when one is close) or remove the key.' },
  'structure/unknown-task-type': { group: 'structure', severity: 'error', summary: 'A task `type` that is not one of the known types.', help: 'Use shell, python_script, node_script, sql_script, http, noop, docker, kubernetes_job, kubernetes_manifest or spark_job.' },
  'structure/duplicate-name': { group: 'structure', severity: 'error', summary: 'Two stages, or two tasks in one stage, share a name.', help: 'Give each stage and each task of a stage its own name.' },
  'structure/missing-file': { group: 'structure', severity: 'error', summary: 'A referenced file (script, application, manifest, SQL file, template) does not exist.', help: 'Paths are relative to the repository root; fix the path or add the file.' },
  'structure/path-escape': { group: 'structure', severity: 'error', summary: 'A referenced path points outside the repository root.', help: 'Keep scripts and templates inside the repository so every execution can be reproduced from its commit.' },
  'structure/invalid-cron': { group: 'structure', severity: 'error', summary: 'The schedule\'s cron expression is invalid.', help: 'Use five fields (minute hour day month weekday) or six with seconds, such as `0 2 * * *`.' },
  'structure/unknown-timezone': { group: 'structure', severity: 'error', summary: 'The schedule\'s time zone is not a known IANA zone.', help: 'Use an IANA name such as `America/New_York` or `UTC`.' },
  'structure/unknown-resource-stage': { group: 'structure', severity: 'warning', summary: 'A key under `resources` names no stage, so it applies to nothing.', help: 'Use `default` or the name of a stage.' },
  'structure/hook-config': { group: 'structure', severity: 'error', summary: 'A hook lacks what its type needs (`sql` a script, `shell` a command, `notify`/`webhook` a URL).', help: 'Add the field the message names.' },
  'structure/unsupported-hook': { group: 'structure', severity: 'warning', summary: 'A hook type the format accepts but this version does not run (`email`, `pagerduty`, `reject`, `promote`); the run records it as unsupported.', help: 'Deliver it with a `webhook`, `slack` or `shell` hook, or accept that it only shows up as unsupported in the execution.' },
  'structure/template-expression': { group: 'structure', severity: 'error', summary: 'A template holds an expression; templates are never evaluated, only plain names are substituted.', help: 'Use a plain name such as `{{ ds }}`, `{{ MY_VAR }}`, `{{ env.NAME }}` or `{{ secrets.NAME }}`, and compute values in the task.' },
  'structure/undefined-template-name': { group: 'structure', severity: 'error', summary: 'A template names a variable the pipeline does not define.', help: 'Define it under `variables`, or use `{{ env.NAME }}` or `{{ secrets.NAME }}` for values supplied at run time.' },
  'structure/variable-cycle': { group: 'structure', severity: 'error', summary: 'Variables refer to each other in a loop, so none can be resolved.', help: 'Break the loop by giving one of the variables a literal value.' },
  'structure/remote-artifact-store': { group: 'structure', severity: 'warning', summary: 'An artifact names a remote store (`s3://`, `gs://`, `az://`, `https://`, …), which this version cannot reach: an `upload_to` there is not uploaded (the artifact stays in the local store, and the run says so) and an input from there fails its task.', help: 'Use a local directory or a `file://` URL for `upload_to`; take inputs from an earlier task, or from another execution with `{ path, execution }`.' },
  'graph/unknown-dependency': { group: 'graph', severity: 'error', summary: 'A dependency names no task of the pipeline, or a task name shared by several stages.', help: 'Use `stage.task`, or a task name that is unique in the pipeline.' },
  'graph/self-dependency': { group: 'graph', severity: 'error', summary: 'A task depends on itself.', help: 'Remove the dependency.' },
  'graph/cycle': { group: 'graph', severity: 'error', summary: 'Dependencies form a cycle, so none of the tasks in it could ever start.', help: 'Remove one of the dependencies named in the cycle.' },
  'graph/later-stage-dependency': { group: 'graph', severity: 'error', summary: 'Without `config.parallel: true` stages run in order, so a task cannot depend on a task of a later stage.', help: 'Move one of the tasks, or set `config.parallel: true` so only dependencies order tasks.' },
  'strict/credential': { group: 'strict', severity: 'error', summary: 'A credential is written into the pipeline (a password in a URL, a cloud key, a private key, a token).', help: 'Use `{{ secrets.NAME }}` or `{{ env.NAME }}`; rotate the exposed credential.' },
  'strict/missing-timeout': { group: 'strict', severity: 'error', summary: 'A task has no `timeout`, so a hung call can block the pipeline forever.', help: 'Add `timeout:` to the task, such as `timeout: 30m`.' },
  'strict/schedule-timezone': { group: 'strict', severity: 'error', summary: 'A schedule has no explicit `timezone` and silently runs in UTC.', help: 'Add `timezone:` with an IANA name, even `UTC`.' },
  'strict/memory-limit': { group: 'strict', severity: 'error', summary: 'A container task requests memory but sets no memory limit.', help: 'Add `resources.limits.memory`, usually 10-20 % over the request.' },
  'strict/artifact-partition': { group: 'strict', severity: 'error', summary: 'An output artifact path has neither `{{ execution_id }}` nor a date partition, so runs overwrite each other.', help: 'Put `{{ execution_id }}`, `{{ ds }}` or `{{ ds_nodash }}` in the path.' },
  'strict/shell-substitution': { group: 'strict', severity: 'error', summary: 'An env value holds `$(…)` or backticks, which are passed on literally and never executed.', help: 'Compute the value in the task, or use a template such as `{{ ds_nodash }}`.' },
  'connections/unreachable': { group: 'connections', severity: 'error', summary: 'A connection string or URL could not be reached (`--check-connections`).', help: 'Check the host, port and network; the message says what failed.' },
  'connections/skipped': { group: 'connections', severity: 'note', summary: 'A connection was not checked because it needs values known only at run time.', help: 'Nothing to fix; supply the values to check it, or check it in a run.' },
  'resources/exceeds-capacity': { group: 'resources', severity: 'error', summary: 'A task requests more CPU, memory or GPUs than the target executor can ever offer (`--check-resources`).', help: 'Lower the request, or run it on an executor with more capacity.' },
  'resources/missing-binary': { group: 'resources', severity: 'error', summary: 'A task needs a program that is not on this machine\'s PATH (`--check-resources`).', help: 'Install the program, or run the task with an executor that has it.' },
} as const satisfies Record<string, RuleDefinition>;

export type RuleId = keyof typeof RULES;

export const RULE_IDS = Object.keys(RULES) as RuleId[];

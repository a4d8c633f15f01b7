import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sortFindings, type Finding } from '../../src/validate/finding.js';
import type { RuleId } from '../../src/validate/rules.js';
import { validatePipelineFile } from '../../src/validate/validate-pipeline.js';
import { PROJECT_ROOT } from '../helpers/run-cli.js';

/**
 * The example pipelines of seed 000, copied as they are written there ("Pipeline Definition
 * Structure", `sales_etl_daily.yaml`, `training_pipeline.yaml`), validated the way a user
 * would meet them: the scripts, SQL files and templates they reference are not there. Each
 * table lists everything a careful reviewer flags, at its exact position; nothing else may appear.
 */

const FIXTURES = join(PROJECT_ROOT, 'test', 'fixtures', 'seed');

/** [rule, line, column, endLine, endColumn, part of the message]; `strict/*` only appear with --strict. */
type Flag = [rule: RuleId, line: number, column: number, endLine: number, endColumn: number, message: string];

const missing = (line: number, column: number, path: string): Flag => ['structure/missing-file', line, column, line, column + path.length, `\`${path}\` does not exist`];

const SEEDS: { file: string; flags: Flag[] }[] = [
  {
    // Seed 000, "Pipeline Definition Structure".
    file: 'daily_sales_etl.yaml',
    flags: [
      // DATAWAREHOUSE_CONN: "postgresql://user:pass@dw.example.com:5432/analytics", at the password.
      ['strict/credential', 21, 42, 21, 46, 'a password in a URL is written into the pipeline'],
      missing(47, 17, './tasks/extract_orders.py'),
      missing(61, 25, './templates/alert_failure.json'),
      ['structure/remote-artifact-store', 65, 24, 65, 45, '`upload_to: s3://raw-data/orders/` of `extract.extract_orders` names a remote store'],
      missing(69, 17, './tasks/extract_customers.py'),
      // transform_orders, a Spark job, is the one task without a timeout.
      ['strict/missing-timeout', 82, 9, 101, 48, 'Task `transform.transform_orders` has no `timeout`'],
      missing(84, 22, './spark/transform_orders.py'),
      // Remote stores are named but not reached by this version: warnings at each.
      ['structure/remote-artifact-store', 96, 13, 96, 62, 'Input `s3://raw-data/orders/{{ EXTRACTION_DATE }}/*.json` of `transform.transform_orders`'],
      ['structure/remote-artifact-store', 97, 13, 97, 65, 'Input `s3://raw-data/customers/{{ EXTRACTION_DATE }}/*.json`'],
      ['strict/artifact-partition', 99, 19, 99, 50, 'Artifact path `/tmp/transformed_orders.parquet` has no `{{ execution_id }}` or date partition'],
      ['structure/remote-artifact-store', 101, 24, 101, 48, '`upload_to: s3://transformed/orders/` of `transform.transform_orders` names a remote store'],
      missing(108, 17, './tasks/data_quality.py'),
      missing(141, 17, './sql/load_orders.sql'),
      missing(154, 21, './sql/update_stats.sql'),
      missing(158, 25, './templates/success_notification.json'),
      ['structure/unsupported-hook', 163, 13, 163, 18, '`email` hooks are not run by this version'],
      missing(170, 19, './templates/slack_success.json'),
      ['structure/unsupported-hook', 172, 13, 172, 22, '`pagerduty` hooks are not run by this version'],
      ['structure/undefined-template-name', 174, 23, 174, 25, '`{{ PD_SERVICE_KEY }}` names no variable of this pipeline'],
      ['structure/template-expression', 175, 20, 175, 22, "Template `{{ 'critical' if task.critical else 'error' }}` is not allowed: conditionals and loops are not evaluated"],
    ],
  },
  {
    // Seed 000, Example 1: credentials come from `{{ env.… }}` and every artifact is partitioned by date.
    file: 'sales_etl_daily.yaml',
    flags: [
      missing(14, 17, './src/extract_orders.py'),
      ['structure/remote-artifact-store', 29, 24, 29, 78, '`upload_to: s3://raw-sales-data/orders/date={{ EXTRACTION_DATE }}/`'],
      missing(33, 17, './src/extract_customers.py'),
      ['structure/remote-artifact-store', 44, 24, 44, 81, '`upload_to: s3://raw-sales-data/customers/date={{ EXTRACTION_DATE }}/`'],
      ['strict/missing-timeout', 48, 9, 67, 86, 'Task `transform.transform_orders` has no `timeout`'],
      missing(50, 22, './spark/transform_orders.py'),
      ['structure/remote-artifact-store', 62, 13, 62, 74, 'Input `s3://raw-sales-data/orders/date={{ EXTRACTION_DATE }}/*.jsonl`'],
      ['structure/remote-artifact-store', 63, 13, 63, 77, 'Input `s3://raw-sales-data/customers/date={{ EXTRACTION_DATE }}/*.jsonl`'],
      ['structure/remote-artifact-store', 67, 24, 67, 86, '`upload_to: s3://transformed-sales-data/orders/date={{ EXTRACTION_DATE }}/`'],
      missing(73, 17, './sql/load_orders.sql'),
      missing(85, 21, './sql/refresh_materialized_views.sql'),
    ],
  },
  {
    // Seed 000, Example 2. `- type:Promote` with `config:` under it is not a hook but a syntax
    // error; the rest of the file is still checked.
    file: 'training_pipeline.yaml',
    flags: [
      missing(17, 17, './ml/validate_data.py'),
      ['structure/unknown-key', 30, 13, 30, 22, 'Unknown key `min_ratio`'],
      missing(34, 22, './spark/preprocess_images.py'),
      ['strict/shell-substitution', 39, 52, 39, 54, '`env.OUTPUT_PATH` holds `$(…)`, which is passed on as literal text and never run'],
      ['strict/shell-substitution', 54, 51, 54, 53, '`env.TRAIN_DATA` holds `$(…)`'],
      ['structure/unknown-key', 73, 9, 73, 20, 'Unknown key `tensorboard`'],
      ['structure/yaml-syntax', 76, 13, 77, 19, 'YAML needs a space after the colon: `type: Promote`'],
      missing(82, 17, './ml/evaluate.py'),
      ['structure/yaml-syntax', 101, 13, 102, 19, 'YAML needs a space after the colon: `type: reject`'],
      missing(110, 19, './k8s/canary-deployment.yaml'),
      // canary_deploy requests 512Mi and sets no limit; train_model's 68Gi limit is fine.
      ['strict/memory-limit', 116, 9, 116, 18, 'Container task `deployment.canary_deploy` requests memory but sets no `limits.memory`'],
    ],
  },
];

function findingsOf(file: string, strict: boolean): Finding[] {
  return sortFindings([...validatePipelineFile(join(FIXTURES, file), { strict, root: FIXTURES }).findings]);
}

const ALWAYS_WARNINGS = new Set(['structure/unsupported-hook', 'structure/remote-artifact-store']);

function expected(flags: Flag[], strict: boolean) {
  return flags
    .filter(([rule]) => strict || !rule.startsWith('strict/'))
    .map(([rule, line, column, endLine, endColumn, message]) => ({
      rule,
      // Unknown keys are warnings (errors under --strict); unsupported hooks and remote stores always warnings.
      severity: (rule === 'structure/unknown-key' && !strict) || ALWAYS_WARNINGS.has(rule) ? 'warning' : 'error',
      line,
      column,
      endLine,
      endColumn,
      message: expect.stringContaining(message),
    }));
}

describe.each(SEEDS)('seed example $file', ({ file, flags }) => {
  it.each([false, true])('with strict %s, flags exactly what a reviewer would', (strict) => {
    const actual = findingsOf(file, strict).map(({ rule, severity, line, column, endLine, endColumn, message }) => ({ rule, severity, line, column, endLine, endColumn, message }));
    expect(actual).toEqual(expected(flags, strict));
  });
});

it('names the credential of the seed pipeline without printing it', () => {
  const [credential] = findingsOf('daily_sales_etl.yaml', true).filter((finding) => finding.rule === 'strict/credential');
  expect(credential?.message).toBe('a password in a URL is written into the pipeline; use `{{ secrets.NAME }}` or `{{ env.NAME }}` and rotate it');
});

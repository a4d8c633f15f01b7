import { describe, expect, it } from 'vitest';
import { diffPipelines } from '../../src/gitops/pipeline-diff.js';
import { parsePipelineBlob } from '../../src/gitops/repository-paths.js';
import { diffSchedules } from '../../src/gitops/schedule-diff.js';

const blob = (text: string) => parsePipelineBlob('pipelines/sales.yaml', Buffer.from(text));

const BEFORE = `version: "2.1"
name: sales
schedule: { cron: "0 2 * * *", timezone: America/New_York }
stages:
  - name: extract
    tasks:
      - { name: pull, type: shell, command: ./pull.sh }
  - name: load
    tasks:
      - { name: old, type: sql_script, script: sql/old.sql, dependencies: [pull] }
      - { name: copy, type: shell, command: cp a b, dependencies: [pull], timeout: 10m }
`;

const AFTER = `version: "2.1"
name: sales
schedule: { cron: "30 2 * * *", timezone: America/New_York }
stages:
  - name: extract
    tasks:
      - { name: pull, type: shell, command: ./pull.sh --all, retry: { max_attempts: 3 } }
  - name: load
    tasks:
      - { name: copy, type: shell, command: cp a b, timeout: 10m }
      - { name: fresh, type: python_script, script: load.py, dependencies: [extract.pull] }
`;

describe('diffPipelines', () => {
  it('names the tasks added, removed and changed, the edges and the schedule', () => {
    const diff = diffPipelines('pipelines/sales.yaml', blob(BEFORE), blob(AFTER), new Date('2026-06-01T00:00:00Z'));
    expect(diff).toMatchObject({
      name: 'sales',
      status: 'changed',
      tasksAdded: [{ task: 'load.fresh', type: 'python_script' }],
      tasksRemoved: [{ task: 'load.old', type: 'sql_script' }],
      tasksChanged: [{ task: 'extract.pull', changes: [{ field: 'command', before: './pull.sh', after: './pull.sh --all' }, { field: 'retry', after: '{"max_attempts":3}' }] }],
      edgesAdded: ['extract.pull → load.fresh'],
      edgesRemoved: ['extract.pull → load.old', 'extract.pull → load.copy'],
    });
    expect(diff.schedule?.before?.runs.map((run) => run.toISOString())).toEqual(['2026-06-01T06:00:00.000Z', '2026-06-02T06:00:00.000Z', '2026-06-03T06:00:00.000Z', '2026-06-04T06:00:00.000Z', '2026-06-05T06:00:00.000Z']);
    expect(diff.schedule?.after?.runs[0]?.toISOString()).toBe('2026-06-01T06:30:00.000Z');
    expect(diff.schedule?.dstWarnings).toEqual([]);
  });

  it('flags a schedule change whose next runs cross the March DST change in New York', () => {
    const diff = diffSchedules({ cron: '0 2 * * *', timezone: 'America/New_York' }, { cron: '30 2 * * *', timezone: 'America/New_York' }, new Date('2026-03-05T12:00:00Z'));
    expect(diff?.after?.runs.length).toBe(5);
    // 02:30 does not exist on 2026-03-08 in New York: the run moves to 03:00 EDT.
    expect(diff?.dstWarnings).toEqual([
      '`2026-03-07 02:30 EST`, `2026-03-08 03:00 EDT`, `2026-03-09 02:30 EDT` fall within a day of the daylight-saving change on 2026-03-08 in America/New_York (UTC-05:00 → UTC-04:00); check each runs once, at the hour you expect',
      'before the change: `2026-03-07 02:00 EST`, `2026-03-08 03:00 EDT`, `2026-03-09 02:00 EDT` fall within a day of the daylight-saving change on 2026-03-08 in America/New_York (UTC-05:00 → UTC-04:00); check each runs once, at the hour you expect',
    ]);
  });

  it('has no schedule diff when only the tasks changed, and shows an added pipeline as all new', () => {
    expect(diffSchedules({ cron: '0 2 * * *' }, { cron: '0 2 * * *', timezone: 'UTC' }, new Date())).toBeUndefined();
    const added = diffPipelines('pipelines/sales.yaml', undefined, blob(AFTER), new Date('2026-06-01T00:00:00Z'));
    expect(added.status).toBe('added');
    expect(added.tasksAdded.map((task) => task.task)).toEqual(['extract.pull', 'load.copy', 'load.fresh']);
    expect(added.schedule?.before).toBeUndefined();
  });
});

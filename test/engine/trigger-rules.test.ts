import { afterEach, describe, expect, it } from 'vitest';
import { decideTrigger, type TriggerRule, type UpstreamOutcome } from '../../src/engine/trigger-rules.js';
import { makeEngine, makePipeline, sh, verdicts } from './engine-harness.js';

const upstream = (succeeded: number, failed: number, skipped: number): UpstreamOutcome => ({ succeeded, failed, skipped, total: succeeded + failed + skipped });

describe('decideTrigger', () => {
  const cases: { name: string; rule: TriggerRule; upstream: UpstreamOutcome; run: boolean }[] = [
    { name: 'all_success runs when everything succeeded', rule: 'all_success', upstream: upstream(2, 0, 0), run: true },
    { name: 'all_success skips on a failure', rule: 'all_success', upstream: upstream(1, 1, 0), run: false },
    { name: 'all_success skips on a skip', rule: 'all_success', upstream: upstream(1, 0, 1), run: false },
    { name: 'all_done runs whatever happened', rule: 'all_done', upstream: upstream(0, 1, 1), run: true },
    { name: 'one_failed runs on a failure', rule: 'one_failed', upstream: upstream(1, 1, 0), run: true },
    { name: 'one_failed skips when nothing failed', rule: 'one_failed', upstream: upstream(1, 0, 1), run: false },
    { name: 'none_failed runs over skips', rule: 'none_failed', upstream: upstream(1, 0, 1), run: true },
    { name: 'none_failed skips on a failure', rule: 'none_failed', upstream: upstream(1, 1, 0), run: false },
    { name: 'all_success runs a task with no upstream', rule: 'all_success', upstream: upstream(0, 0, 0), run: true },
  ];
  it.each(cases)('$name', ({ rule, upstream: counts, run }) => {
    expect(decideTrigger(rule, counts).run).toBe(run);
  });
});

let leaked: number[] = [];
afterEach(() => expect(leaked, 'processes left running').toEqual([]));

describe('trigger rules in an execution', () => {
  it('decides downstream of a failure as Airflow does, a skip for a failed upstream counting as failed', async () => {
    await using engine = makeEngine();
    const pipeline = makePipeline({
      config: { parallel: true },
      stages: [{ name: 's', tasks: [
        sh('broken', 'exit 3'),
        sh('fine', 'true'),
        sh('strict', 'true', { dependencies: ['broken', 'fine'] }),
        sh('cleanup', 'true', { dependencies: ['broken', 'fine'], trigger_rule: 'all_done' }),
        sh('alert', 'true', { dependencies: ['broken'], trigger_rule: 'one_failed' }),
        sh('tolerant', 'true', { dependencies: ['broken'], trigger_rule: 'none_failed' }),
        // Downstream of `strict`, which was skipped because `broken` failed (Airflow: upstream_failed).
        sh('after_strict', 'true', { dependencies: ['strict'], trigger_rule: 'none_failed' }),
        sh('alert_late', 'true', { dependencies: ['strict'], trigger_rule: 'one_failed' }),
        sh('no_failure', 'true', { dependencies: ['fine'], trigger_rule: 'one_failed' }),
      ] }],
    });
    const { outcome, events } = await engine.run(engine.request(pipeline));
    leaked = engine.guard.leaked();
    expect(outcome).toMatchObject({ status: 'failed', reason: 'a task failed' });
    expect(verdicts(events)).toEqual({
      's.broken': 'failed',
      's.fine': 'succeeded',
      's.strict': 'skipped',
      's.cleanup': 'succeeded',
      's.alert': 'succeeded',
      's.tolerant': 'skipped',
      's.after_strict': 'skipped',
      's.alert_late': 'succeeded',
      's.no_failure': 'skipped',
    });
  });

  it('fails a stage and skips the stages after it when stages run in order', async () => {
    await using engine = makeEngine();
    const pipeline = makePipeline({
      stages: [
        { name: 'one', tasks: [sh('bad', 'exit 1'), sh('good', 'true')] },
        { name: 'two', tasks: [sh('next', 'true'), sh('report', 'true', { trigger_rule: 'all_done' })] },
      ],
    });
    const { outcome, events } = await engine.run(engine.request(pipeline));
    leaked = engine.guard.leaked();
    expect(outcome.status).toBe('failed');
    expect(verdicts(events)).toEqual({ 'one.bad': 'failed', 'one.good': 'succeeded', 'two.next': 'skipped', 'two.report': 'succeeded' });
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { makeEngine, makePipeline, ofType, peakConcurrency, seqOf, sh, verdicts } from './engine-harness.js';

let leaked: number[] = [];
afterEach(() => expect(leaked, 'processes left running').toEqual([]));

describe('ordering', () => {
  it('without parallel, every task of a stage waits for the whole previous stage', async () => {
    await using engine = makeEngine();
    const pipeline = makePipeline({
      stages: [
        { name: 'extract', tasks: [sh('slow', 'sleep 0.2'), sh('fast', 'true')] },
        { name: 'load', tasks: [sh('one', 'true'), sh('two', 'true')] },
      ],
    });
    const { outcome, events } = await engine.run(engine.request(pipeline));
    leaked = engine.guard.leaked();
    expect(outcome.status).toBe('succeeded');
    const lastOfExtract = Math.max(seqOf(events, 'task.succeeded', 'extract.slow'), seqOf(events, 'task.succeeded', 'extract.fast'));
    expect(seqOf(events, 'task.started', 'load.one')).toBeGreaterThan(lastOfExtract);
    expect(seqOf(events, 'task.started', 'load.two')).toBeGreaterThan(lastOfExtract);
  });

  it('with parallel, only explicit dependencies order tasks: a later stage may run first', async () => {
    await using engine = makeEngine();
    // `waiter` finishes only once `free` (a later stage, no dependencies) has run: a stage barrier would deadlock it into its timeout.
    const pipeline = makePipeline({
      config: { parallel: true },
      stages: [
        { name: 'first', tasks: [sh('waiter', 'while [ ! -f "$WORK/free.done" ]; do sleep 0.02; done', { timeout: '10s' })] },
        { name: 'second', tasks: [sh('free', 'touch "$WORK/free.done"'), sh('after', 'test -f "$WORK/free.done"', { dependencies: ['first.waiter'] })] },
      ],
    });
    const { outcome, events } = await engine.run(engine.request(pipeline));
    leaked = engine.guard.leaked();
    expect(outcome.status).toBe('succeeded');
    expect(seqOf(events, 'task.started', 'second.free')).toBeLessThan(seqOf(events, 'task.succeeded', 'first.waiter'));
    expect(seqOf(events, 'task.started', 'second.after')).toBeGreaterThan(seqOf(events, 'task.succeeded', 'first.waiter'));
  });

  it('max_concurrent bounds how many attempts run at once', async () => {
    await using engine = makeEngine();
    const tasks = Array.from({ length: 6 }, (_, index) => sh(`t${index}`, 'sleep 0.05'));
    const pipeline = makePipeline({ config: { parallel: true, max_concurrent: 2 }, stages: [{ name: 's', tasks }] });
    const { outcome, events } = await engine.run(engine.request(pipeline));
    leaked = engine.guard.leaked();
    expect(outcome.status).toBe('succeeded');
    expect(ofType(events, 'task.started')).toHaveLength(6);
    // Both slots fill in one dispatch pass, so the peak is exactly the bound.
    expect(peakConcurrency(events)).toBe(2);
  });

  it('admits a task only when its CPU request fits; one larger than the pool runs alone', async () => {
    await using engine = makeEngine({ cpu: 2, memoryBytes: 2 ** 30 });
    const pipeline = makePipeline({
      config: { parallel: true },
      stages: [{ name: 's', tasks: [
        ...Array.from({ length: 4 }, (_, index) => sh(`one${index}`, 'sleep 0.05', { resources: { cpu: 1 } })),
        sh('huge', 'sleep 0.05', { resources: { cpu: 4 } }),
      ] }],
    });
    const { outcome, events } = await engine.run(engine.request(pipeline));
    leaked = engine.guard.leaked();
    expect(outcome.status).toBe('succeeded');
    expect(peakConcurrency(events)).toBe(2);
    const hugeStart = seqOf(events, 'task.started', 's.huge');
    const hugeEnd = seqOf(events, 'task.exited', 's.huge');
    const overlapping = events.filter((event) => event.type === 'task.started' && event.seq > hugeStart && event.seq < hugeEnd);
    expect(overlapping).toEqual([]);
  });

  it('starts the longest remaining path first', async () => {
    await using engine = makeEngine({ cpu: 1, memoryBytes: 2 ** 30 });
    const one = { resources: { cpu: 1 } };
    const pipeline = makePipeline({
      config: { parallel: true },
      stages: [{ name: 's', tasks: [
        sh('lone', 'true', one),
        sh('head', 'true', one),
        sh('middle', 'true', { ...one, dependencies: ['head'] }),
        sh('tail', 'true', { ...one, dependencies: ['middle'] }),
      ] }],
    });
    const { events } = await engine.run(engine.request(pipeline));
    leaked = engine.guard.leaked();
    // `middle` (two tasks left on its path) goes before `lone` (one); `lone` then wins the tie with `tail` by waiting longer.
    expect(ofType(events, 'task.started').map((event) => event.task)).toEqual(['s.head', 's.middle', 's.lone', 's.tail']);
  });

  it('records --skip-tasks as skipped and lets what follows run', async () => {
    await using engine = makeEngine();
    const pipeline = makePipeline({ stages: [{ name: 'a', tasks: [sh('skipme', 'touch "$WORK/ran.skipme"')] }, { name: 'b', tasks: [sh('next', 'touch "$WORK/ran.next"')] }] });
    const { outcome, events } = await engine.run(engine.request(pipeline, { skip: new Set(['skipme']) }));
    leaked = engine.guard.leaked();
    expect(outcome.status).toBe('succeeded');
    expect(verdicts(events)).toEqual({ 'a.skipme': 'skipped', 'b.next': 'succeeded' });
    expect(engine.markers('ran.')).toEqual(['ran.next']);
  });
});

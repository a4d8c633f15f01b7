import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Dispatcher, type DispatchSource } from '../../src/engine/dispatcher.js';
import { ResourcePool } from '../../src/engine/resource-pool.js';
import { makeEngine, makePipeline, ofType, sh } from './engine-harness.js';

let leaked: number[] = [];
afterEach(() => expect(leaked, 'processes left running').toEqual([]));

const one = { resources: { cpu: 1 } };

describe('priority across executions sharing a pool', () => {
  it('gives freed capacity to the higher priority execution first, whichever registered first', async () => {
    await using engine = makeEngine({ cpu: 1, memoryBytes: 2 ** 30 });
    const gate = makePipeline({ name: 'gate', stages: [{ name: 's', tasks: [sh('hold', 'while [ ! -f "$WORK/go" ]; do sleep 0.02; done', { ...one, timeout: '10s' })] }] });
    const work = (name: string) => makePipeline({ name, config: { parallel: true }, stages: [{ name: 's', tasks: ['a', 'b', 'c'].map((task) => sh(task, 'true', one)) }] });
    const gateRun = engine.run(engine.request(gate));
    // Registered while the gate holds the only CPU: both wait with all their tasks ready.
    const lowRun = engine.run(engine.request(work('low_work'), { priority: 'low' }));
    const criticalRun = engine.run(engine.request(work('critical_work'), { priority: 'critical' }));
    const normalRun = engine.run(engine.request(work('normal_work'), { priority: 'normal' }));
    writeFileSync(join(engine.dir.path, 'go'), '');
    const [gated, low, critical, normal] = await Promise.all([gateRun, lowRun, criticalRun, normalRun]);
    leaked = engine.guard.leaked();
    for (const run of [gated, low, critical, normal]) expect(run.outcome.status).toBe('succeeded');
    const starts = [low, critical, normal].flatMap(({ events }) => ofType(events, 'task.started').map((event) => ({ pipeline: events[0]?.type === 'execution.created' ? events[0].pipeline : '', at: BigInt(event.mono_ns) })));
    starts.sort((a, b) => (a.at < b.at ? -1 : 1));
    expect(starts.map((start) => start.pipeline)).toEqual([...Array(3).fill('critical_work'), ...Array(3).fill('normal_work'), ...Array(3).fill('low_work')]);
  });
});

describe('Dispatcher', () => {
  /** A source over a list of remaining path lengths, each needing one CPU. */
  const source = (name: string, rank: number, lengths: number[], started: string[]): DispatchSource => ({
    rank,
    headPathLength: () => lengths[0] ?? -1,
    headAmount: () => ({ cpu: 1, memoryBytes: 0 }),
    startHead: () => void started.push(`${name}:${String(lengths.shift())}`),
  });

  it('orders by rank, then remaining path, then registration, and stops when the best does not fit', () => {
    const pool = new ResourcePool({ cpu: 4, memoryBytes: 0 });
    const dispatcher = new Dispatcher(pool);
    const started: string[] = [];
    dispatcher.register(source('first', 1, [5, 1], started));
    dispatcher.register(source('second', 1, [5, 3], started));
    dispatcher.register(source('urgent', 2, [1], started));
    dispatcher.dispatch();
    expect(started).toEqual(['urgent:1', 'first:5', 'second:5', 'second:3']);
    dispatcher.release({ cpu: 1, memoryBytes: 0 });
    expect(started.at(-1)).toBe('first:1');
  });

  it('unregistering a source takes its queue out of the competition', () => {
    const pool = new ResourcePool({ cpu: 1, memoryBytes: 0 });
    const dispatcher = new Dispatcher(pool);
    const started: string[] = [];
    const unregister = dispatcher.register(source('gone', 3, [9], started));
    unregister();
    dispatcher.register(source('stays', 0, [1], started));
    dispatcher.dispatch();
    expect(started).toEqual(['stays:1']);
  });
});

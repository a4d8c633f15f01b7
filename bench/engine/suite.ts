import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { LocalExecutor } from '../../src/executors/local-executor.js';
import { openRedisStateStore } from '../../src/state/redis-store.js';
import { median, percentile } from '../measure.js';
import type { BenchSuite, Table, TargetResult } from '../suite.js';
import { measureNodeStartup, runCliChain } from './cli-chain.js';
import { measureExecutorLatency, measureExecutorThroughput, measureRedisPing, measureSpawnLatency, measureSpawnThroughput } from './floors.js';
import { startBenchRedis } from './redis-server.js';
import { reportScaling, runScaling } from './scaling.js';
import { fileStoreUnderTest, redisStoreUnderTest, runMedian, runScenario, type ScenarioRun, type StoreUnderTest, type Workspace } from './scenarios.js';

/**
 * The engine against its floors (issue 3 §7): B1 a chain of `true` tasks (step-to-step
 * overhead), B2 a fan-out at concurrency 2 (throughput), B5 large `noop` DAGs (scaling).
 * Every figure is read against a floor measured in this same run.
 */
const CHAIN = 200;
const FAN_OUT = 2_000;
const FAN_OUT_ROUNDS = 3;
const CONCURRENCY = 2;
const ms = (value: number) => value.toFixed(value < 10 ? 2 : 1);
const times = (value: number) => `${value.toFixed(2)}×`;

export const engineSuite: BenchSuite = {
  name: 'engine',
  description: '`runExecution` with the local executor and each store, against bare spawns and Redis round trips',
  async run(log, { quick }) {
    // The file store lives in the temp directory unless BENCH_STATE_DIR names another disk.
    const root = mkdtempSync(join(process.env.BENCH_STATE_DIR ?? tmpdir(), 'orchestrate-engine-bench-'));
    const workspace: Workspace = { root, executor: new LocalExecutor() };
    await using redis = await startBenchRedis();
    await using redisStore = await openRedisStateStore({ url: redis.url, keyPrefix: `bench:${process.pid}:${Date.now()}:`, ttlDays: 1 });
    // The store owns its client; the benchmark borrows it so the floor is the same connection the appends use.
    const client = (redisStore as unknown as { redis: Redis }).redis;
    const stores: StoreUnderTest[] = [fileStoreUnderTest(root), redisStoreUnderTest(redisStore, client)];
    const notes = [`file store on ${fileSystemOf(root)} (${root}); Redis: ${redis.origin}`];
    try {
      log('engine: floors');
      const spawn = await measureSpawnLatency(quick ? 300 : 1_000);
      const spawnRate = await measureSpawnThroughput(FAN_OUT, CONCURRENCY);
      const executorRate = await measureExecutorThroughput(workspace.executor, root, quick ? FAN_OUT / 4 : FAN_OUT, CONCURRENCY);
      const ping = await measureRedisPing(client, 2_000);
      const executorFloor = await measureExecutorLatency(workspace.executor, root, quick ? 100 : 300);
      // The same executor told there is no cgroup: what the per-attempt cgroup and its wrapper shell cost.
      const support = workspace.executor.support;
      const plainFloor = support.cgroup ? await measureExecutorLatency(new LocalExecutor({ support: { ...support, cgroup: undefined } }), root, quick ? 100 : 300) : undefined;
      const floor = spawn.p50Ms + 2 * ping.p50Ms;
      const floors: Table = {
        title: 'Floors, measured in this run',
        columns: ['floor', 'p50 ms', 'p99 ms', 'other'],
        rows: [
          [`spawn+exit \`/bin/true\`, sequential (${spawn.samples})`, ms(spawn.p50Ms), ms(spawn.p99Ms), `\`spawn()\` call alone p50 ${ms(spawn.callP50Ms)}`],
          [`spawn throughput, concurrency ${CONCURRENCY} (${FAN_OUT})`, '', '', `${spawnRate.perSecond.toFixed(0)} /s`],
          [`\`sh -c true\` through the local executor alone, concurrency ${CONCURRENCY}`, '', '', `${executorRate.perSecond.toFixed(0)} /s`],
          [`Redis PING, the store's client (${ping.samples})`, ms(ping.p50Ms), ms(ping.p99Ms), ''],
          [`\`sh -c true\` through the local executor alone (${executorFloor.samples})`, ms(executorFloor.p50Ms), ms(executorFloor.p99Ms), `${times(executorFloor.p50Ms / spawn.p50Ms)} spawn`],
          ...(plainFloor ? [[`the same without the per-attempt cgroup (${plainFloor.samples})`, ms(plainFloor.p50Ms), ms(plainFloor.p99Ms), `${times(plainFloor.p50Ms / spawn.p50Ms)} spawn`]] : []),
          ['B1 floor = spawn p50 + 2 Redis p50', ms(floor), '', ''],
        ],
      };
      const targets: TargetResult[] = [];

      const chainRows: string[][] = [];
      for (const target of stores) {
        log(`engine: B1 chain of ${CHAIN} \`true\` tasks, ${target.name} store`);
        const run = await runScenario({ shape: 'chain', tasks: CHAIN, kind: 'true' }, target, workspace, { stampResults: true });
        const gaps = run.gaps!;
        const overhead = gaps.exitedToStarted;
        chainRows.push([
          target.name,
          ms(overhead.p50Ms),
          ms(overhead.p99Ms),
          times(overhead.p50Ms / floor),
          gaps.resultToStarted ? `${ms(gaps.resultToStarted.p50Ms)} / ${ms(gaps.resultToStarted.p99Ms)}` : '',
          gaps.startCall ? `${ms(gaps.startCall.p50Ms)} / ${ms(gaps.startCall.p99Ms)}` : '',
          gaps.engineOnly ? `${ms(gaps.engineOnly.p50Ms)} / ${ms(gaps.engineOnly.p99Ms)}` : '',
          ms(gaps.startedToStarted.p50Ms),
          times(gaps.startedToStarted.p50Ms / spawn.p50Ms),
          times(gaps.startedToStarted.p50Ms / executorFloor.p50Ms),
          `${ms(percentile(run.appendMs, 50))} / ${ms(percentile(run.appendMs, 99))}`,
        ]);
        targets.push(
          { target: `B1 ${target.name}: step overhead p50 ≤ 1.5× floor (${ms(1.5 * floor)} ms)`, measured: `${ms(overhead.p50Ms)} ms`, pass: overhead.p50Ms <= 1.5 * floor },
          { target: `B1 ${target.name}: step overhead p50 ≤ 5 ms`, measured: `${ms(overhead.p50Ms)} ms`, pass: overhead.p50Ms <= 5 },
          { target: `B1 ${target.name}: step overhead p99 ≤ 3× floor (${ms(3 * floor)} ms)`, measured: `${ms(overhead.p99Ms)} ms`, pass: overhead.p99Ms <= 3 * floor },
        );
      }
      const cliRows: string[][] = [];
      const nodeStartup = await measureNodeStartup(5);
      for (const target of stores) {
        log(`engine: B1 chain of ${CHAIN} \`true\` tasks through the built CLI, ${target.name} store`);
        const run = await runCliChain({ tasks: CHAIN, directory: root, store: target.name, redisUrl: redis.url });
        const overhead = run.gaps.exitedToStarted;
        cliRows.push([target.name, ms(overhead.p50Ms), ms(overhead.p99Ms), times(overhead.p50Ms / floor), ms(run.gaps.startedToStarted.p50Ms), run.wallMs.toFixed(0), times(run.wallMs / nodeStartup)]);
        targets.push(
          { target: `B1 CLI ${target.name}: step overhead p50 ≤ 1.5× floor and ≤ 5 ms`, measured: `${ms(overhead.p50Ms)} ms`, pass: overhead.p50Ms <= Math.min(1.5 * floor, 5) },
          { target: `B1 CLI ${target.name}: step overhead p99 ≤ 3× floor`, measured: `${ms(overhead.p99Ms)} ms`, pass: overhead.p99Ms <= 3 * floor },
        );
      }
      const cli: Table = {
        title: `B1 end to end: the same chain as a pipeline file, \`orchestrate pipeline execute --log-format json\` (ms)`,
        columns: ['store', 'exited→started p50', 'p99', '× floor', 'started→started p50', 'CLI wall', `× bare node start-up (${ms(nodeStartup)})`],
        rows: cliRows,
      };

      const chain: Table = {
        title: `B1: chain of ${CHAIN} \`true\` shell tasks, step to step (ms)`,
        columns: ['store', 'exited→started p50', 'p99', '× floor', 'result→started p50 / p99', 'of which executor.start() p50 / p99', 'engine + store (the rest) p50 / p99', 'started→started p50', '× spawn', '× executor alone', 'append (durable) p50 / p99'],
        rows: chainRows,
      };

      const fanRows: string[][] = [];
      // `true`: rounds that take both floors again and then run each store, so a change of load
      // during the suite weighs on floor and subject alike; ratios are the median of the rounds'.
      const rounds: { spawn: number; executor: number; runs: Map<string, ScenarioRun> }[] = [];
      for (let round = 0; round < FAN_OUT_ROUNDS; round++) {
        log(`engine: B2 fan-out of ${FAN_OUT} \`true\` tasks at concurrency ${CONCURRENCY}, round ${round + 1} of ${FAN_OUT_ROUNDS}`);
        const spawnFloor = (await measureSpawnThroughput(FAN_OUT / 2, CONCURRENCY)).perSecond;
        const executorFloor = (await measureExecutorThroughput(workspace.executor, root, FAN_OUT / 2, CONCURRENCY)).perSecond;
        const runs = new Map<string, ScenarioRun>();
        for (const target of stores) runs.set(target.name, await runScenario({ shape: 'wide', tasks: FAN_OUT, kind: 'true', maxConcurrent: CONCURRENCY }, target, workspace));
        rounds.push({ spawn: spawnFloor, executor: executorFloor, runs });
      }
      for (const target of stores) {
        const rateOf = (run: ScenarioRun) => (FAN_OUT / run.wallMs) * 1000;
        const runs = rounds.map((round) => round.runs.get(target.name) as ScenarioRun);
        const middle = runs.find((run) => rateOf(run) === median(runs.map(rateOf))) ?? (runs[0] as ScenarioRun);
        const versusSpawn = median(rounds.map((round) => rateOf(round.runs.get(target.name) as ScenarioRun) / round.spawn));
        const versusExecutor = median(rounds.map((round) => rateOf(round.runs.get(target.name) as ScenarioRun) / round.executor));
        fanRows.push(fanRow(`${target.name}, \`true\``, middle, times(versusSpawn), times(versusExecutor)));
        targets.push({ target: `B2 ${target.name}: \`true\` tasks/s ≥ 0.7× spawn throughput`, measured: times(versusSpawn), pass: versusSpawn >= 0.7 });
        if (middle.commands !== undefined) targets.push({ target: `B2 ${target.name}, \`true\`: round trips per task ≤ 2`, measured: (middle.commands / FAN_OUT).toFixed(3), pass: middle.commands / FAN_OUT <= 2 });
      }
      for (const target of stores) {
        log(`engine: B2 fan-out of ${FAN_OUT} \`noop\` tasks at concurrency ${CONCURRENCY}, ${target.name} store`);
        const run = await runMedian({ shape: 'wide', tasks: FAN_OUT, kind: 'noop', maxConcurrent: CONCURRENCY }, target, workspace, 5);
        const perSecond = (FAN_OUT / run.wallMs) * 1000;
        fanRows.push(fanRow(`${target.name}, \`noop\``, run, '', ''));
        if (target.name === 'file') targets.push({ target: 'B2 file: `noop` ≥ 20,000 tasks/s', measured: `${perSecond.toFixed(0)} /s`, pass: perSecond >= 20_000 });
        if (run.commands !== undefined) targets.push({ target: `B2 ${target.name}, \`noop\`: round trips per task ≤ 2`, measured: (run.commands / FAN_OUT).toFixed(3), pass: run.commands / FAN_OUT <= 2 });
      }
      const spawnRates = rounds.map((round) => round.spawn.toFixed(0)).join(', ');
      const executorRates = rounds.map((round) => round.executor.toFixed(0)).join(', ');
      const fanOut: Table = {
        title: `B2: fan-out of ${FAN_OUT} tasks, max_concurrent ${CONCURRENCY} (\`true\`: median of ${FAN_OUT_ROUNDS} rounds; floors per round: spawn ${spawnRates} /s, executor alone ${executorRates} /s)`,
        columns: ['store, task', 'tasks/s', '× spawn throughput', '× executor alone', 'appends', 'events/append', 'Redis commands/task'],
        rows: fanRows,
      };

      const scaling = await runScaling(stores, workspace, { quick, log });
      const scaled = reportScaling(scaling);
      targets.push(...scaled.targets);
      notes.push(
        'exited→started: `task.exited` of one step to `task.started` of the next, from the ledger; `task.exited` is stamped when the engine learns of the exit.',
        'result→started: from the moment the executor\'s result promise settled (stamped by a wrapper on the same clock); the executor does not expose the instant the process exited, so the time between the exit and the result (reaping the group, draining pipes) is only visible in started→started against the floors.',
        'executor.start(): the synchronous call, which in Node returns once the child has exec\'d; engine + store: each step\'s exited→started minus the next step\'s start() call.',
        'append (durable): how long each `store.append` took to resolve (file: write + fdatasync; redis: one EVALSHA); the engine dispatches without waiting for it.',
        'B2 `true`: each round measures both floors again, then runs each store; B2 noop: median of 5 runs; Redis commands are counted on the store\'s own client (every append is one EVALSHA, so commands = round trips).',
      );
      return { tables: [floors, chain, cli, fanOut, ...scaled.tables], targets, notes };
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  },
};

function fanRow(label: string, run: ScenarioRun, versusSpawn: string, versusExecutor: string): string[] {
  const perTask = run.commands === undefined ? '' : (run.commands / FAN_OUT).toFixed(3);
  return [label, ((FAN_OUT / run.wallMs) * 1000).toFixed(0), versusSpawn, versusExecutor, String(run.appends), (run.events / run.appends).toFixed(1), perTask];
}

function fileSystemOf(path: string): string {
  const names: Record<number, string> = { 0xef53: 'ext4', 0x01021994: 'tmpfs', 0x794c7630: 'overlayfs', 0x58465342: 'xfs', 0x9123683e: 'btrfs' };
  const type = statfsSync(path).type;
  return names[type] ?? `file system 0x${type.toString(16)}`;
}

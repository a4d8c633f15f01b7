/**
 * Synthetic pipelines for the validator benchmark: deterministic for a seed, shaped like real
 * ones (several stages, mixed task types, env with templates, resources, retries, artifacts)
 * and clean under `--strict`, so the timings measure the path every valid pull request takes.
 */

export interface GenerateOptions {
  name: string;
  tasks: number;
  /** @defaultValue 1 */
  seed?: number;
  /** Dependencies per task outside the first layer. @defaultValue 3 */
  edgesPerTask?: number;
}

export interface GeneratedPipeline {
  text: string;
  tasks: number;
  edges: number;
  /** Files the pipeline references, relative to the repository root; the benchmark creates them. */
  scripts: readonly string[];
}

const STAGES = ['extract', 'clean', 'transform', 'aggregate', 'publish'] as const;

/** The script pool every generated pipeline draws from, so a repository needs each file once. */
export const SCRIPT_FILES: readonly string[] = [
  ...Array.from({ length: 8 }, (_, index) => `tasks/step_${index}.py`),
  ...Array.from({ length: 4 }, (_, index) => `tasks/step_${index}.mjs`),
  ...Array.from({ length: 4 }, (_, index) => `sql/model_${index}.sql`),
];

/** mulberry32: tiny, fast and good enough to make the same pipeline on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * A layered DAG: tasks are cut into layers of about √N, each task depends on `edgesPerTask`
 * distinct tasks of the layer before, and consecutive layers are grouped into stages.
 * With `config.parallel: true` only these edges order the tasks.
 */
export function generatePipeline(options: GenerateOptions): GeneratedPipeline {
  const random = seededRandom(options.seed ?? 1);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const edgesPerTask = options.edgesPerTask ?? 3;
  const count = options.tasks;
  const width = Math.max(edgesPerTask + 1, Math.round(Math.sqrt(count)));
  const layers = Math.ceil(count / width);
  const stageCount = Math.min(STAGES.length, layers);
  const names = Array.from({ length: count }, (_, index) => `task_${String(index).padStart(6, '0')}`);
  const layerOf = (index: number) => Math.floor(index / width);
  const stageOf = (index: number) => STAGES[Math.floor((layerOf(index) * stageCount) / layers)] as string;

  const out: string[] = [
    '# yaml-language-server: $schema=../schemas/pipeline.schema.json',
    `# Synthetic benchmark pipeline: ${count} tasks, ${stageCount} stages, seed ${options.seed ?? 1}.`,
    'version: "2.1"',
    `name: ${options.name}`,
    `description: "Synthetic ${count}-task pipeline for the validator benchmark"`,
    'tags: [bench, synthetic, etl]',
    '',
    'config:',
    '  timeout: 6h',
    '  retry_policy: { max_attempts: 3, backoff: exponential, initial_delay: 10s, max_delay: 5m }',
    '  parallel: true',
    '  max_concurrent: 32',
    '',
    'variables:',
    '  DATA_DIR: data',
    '  BUCKET: "s3://bench-artifacts/{{ pipeline.name }}"',
    '  WAREHOUSE_URL: "postgresql://etl@warehouse.internal:5432/analytics"',
    '  BATCH_SIZE: 5000',
    '  PARTITION: "{{ ds_nodash }}"',
    '',
    'resources:',
    '  default: { cpu: 500m, memory: 512Mi, limits: { memory: 1Gi } }',
    `  ${STAGES[Math.min(2, stageCount - 1)]}: { cpu: 2, memory: 4Gi, limits: { memory: 6Gi } }`,
    '',
    'schedule:',
    '  cron: "0 3 * * *"',
    '  timezone: "Europe/Paris"',
    '  concurrency: 1',
    '',
    'notifications:',
    '  on_failure:',
    '    - type: slack',
    '      config: { channel: "#data-alerts", message: "{{ pipeline.name }} failed for {{ ds }}" }',
    '',
    'stages:',
  ];

  let edges = 0;
  let currentStage = '';
  for (let index = 0; index < count; index++) {
    const stage = stageOf(index);
    if (stage !== currentStage) {
      currentStage = stage;
      out.push(`  - name: ${stage}`, `    description: "The ${stage} step of every partition"`, '    tasks:');
    }
    const layer = layerOf(index);
    const dependencies: string[] = [];
    if (layer > 0) {
      const from = (layer - 1) * width;
      const chosen = new Set<number>();
      while (chosen.size < edgesPerTask) chosen.add(from + Math.floor(random() * width));
      for (const target of chosen) {
        // Half `stage.task`, half a bare task name (unique in the pipeline): both forms occur in real files.
        dependencies.push(random() < 0.5 ? `${stageOf(target)}.${names[target]}` : (names[target] as string));
      }
      edges += dependencies.length;
    }
    out.push(...taskLines(names[index] as string, index, dependencies, random, pick));
  }
  out.push('');
  return { text: out.join('\n'), tasks: count, edges, scripts: SCRIPT_FILES };
}

function taskLines(name: string, index: number, dependencies: readonly string[], random: () => number, pick: <T>(items: readonly T[]) => T): string[] {
  const roll = random();
  const lines = [`      - name: ${name}`];
  const env = [`PART: "{{ DATA_DIR }}/{{ ds }}/p${index}"`, 'RUN: "{{ execution_id }}"'];
  let container = false;
  if (roll < 0.35) {
    lines.push('        type: python_script', `        script: tasks/step_${index % 8}.py`);
  } else if (roll < 0.6) {
    lines.push('        type: shell', `        command: "echo part ${index} for {{ ds }}"`);
  } else if (roll < 0.75) {
    lines.push('        type: sql_script', `        script: sql/model_${index % 4}.sql`);
    env[1] = 'DB_PASSWORD: "{{ secrets.DB_PASSWORD }}"';
  } else if (roll < 0.85) {
    lines.push('        type: node_script', `        script: tasks/step_${index % 4}.mjs`);
  } else if (roll < 0.95) {
    container = true;
    lines.push('        type: docker', `        image: "etl/worker:1.${index % 10}"`, '        command: ["run", "--date", "{{ ds }}"]');
  } else {
    lines.push('        type: http', '        url: "https://{{ env.API_HOST }}/refresh/{{ ds }}"');
  }
  // Block and flow style both occur in real files; the parser's cost differs between them.
  const block = random() < 0.3;
  if (dependencies.length > 0) {
    if (block) lines.push('        dependencies:', ...dependencies.map((dependency) => `          - ${dependency}`));
    else lines.push(`        dependencies: [${dependencies.join(', ')}]`);
  }
  if (block) lines.push('        env:', ...env.map((entry) => `          ${entry}`));
  else lines.push(`        env: { ${env.join(', ')} }`);
  if (container || random() < 0.2) lines.push(`        resources: { cpu: ${pick(['500m', '1', '2'])}, memory: ${pick(['512Mi', '1Gi'])}, limits: { memory: 2Gi } }`);
  lines.push(`        timeout: ${pick(['5m', '10m', '30m', '1h', '1h30m'])}`);
  lines.push(random() < 0.6 ? '        retry: true' : `        retry: { max_attempts: ${1 + Math.floor(random() * 4)}, backoff: ${pick(['exponential', 'linear'])} }`);
  lines.push(`        output_artifacts: [{ path: "out/{{ ds }}/${name}.parquet"${random() < 0.3 ? ', type: dataset' : ''} }]`);
  if (random() < 0.03) lines.push('        on_failure: [{ type: log, config: { level: error, message: "failed for {{ ds }}" } }]');
  return lines;
}

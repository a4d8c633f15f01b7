import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { UsageError } from '../../errors.js';
import { scaffoldPipeline, type PipelineKind } from '../../spec/scaffold.js';
import { validateFiles } from '../../validate/validate-files.js';
import { formatHuman } from '../../validate/report/human.js';
import { emit, useColor } from '../output.js';
import { packageRoot } from '../package-info.js';

interface CreateFlags {
  name: string;
  type: PipelineKind;
  stages: number;
  schedule?: string;
  timezone: string;
  template?: string;
  output?: string;
  description?: string;
  tags?: string[];
  force?: boolean;
}

/** `pipeline create`: writes the skeleton (or --template) and checks it passes `validate pipeline --strict`. */
export async function createPipeline(flags: CreateFlags): Promise<void> {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(flags.name)) throw new UsageError(`Invalid --name \`${flags.name}\`: use letters, digits, \`_\`, \`-\` and \`.\``);
  const output = resolve(flags.output ?? `${flags.name}.yaml`);
  if (existsSync(output) && !flags.force) throw new UsageError(`${output} already exists; pass --force to overwrite it`);
  const schema = join(packageRoot(), 'schemas', 'pipeline.schema.json');
  const text = scaffoldPipeline({
    name: flags.name,
    kind: flags.type,
    stages: flags.stages,
    schedule: flags.schedule,
    timezone: flags.timezone,
    description: flags.description,
    tags: flags.tags,
    schemaPath: relative(dirname(output), schema).split(sep).join('/'),
    template: flags.template === undefined ? undefined : readTemplate(flags.template),
  });
  emit(text, output);
  const report = await validateFiles({ paths: [output], strict: true });
  if (!report.valid) {
    process.stderr.write(formatHuman(report, { color: useColor(process.stderr) }));
    process.exitCode = 1;
    return;
  }
  process.stdout.write(`Created ${relative(process.cwd(), output) || output} (${flags.stages} stage${flags.stages === 1 ? '' : 's'}); it passes \`validate pipeline --strict\`.\n`);
}

function readTemplate(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read --template ${path}: ${(error as Error).message}`, { cause: error });
  }
}

import { buildTaskGraph, type GraphTask } from '../../dag/task-graph.js';
import { findCycles } from '../../dag/find-cycles.js';
import { collectTasks, isRecord, stringList } from '../../spec/task-entries.js';
import type { ValidationContext } from '../context.js';
import { didYouMean, makeSuggester, type Suggester } from '../suggest.js';

/** Unknown, ambiguous and self dependencies, later-stage dependencies, and every cycle with each of its edges. */
export function checkDependencies(context: ValidationContext): void {
  const value = context.source.value;
  const entries = collectTasks(value);
  const parallel = isRecord(value) && isRecord(value.config) && value.config.parallel === true;
  const dependencyLists = entries.map((entry) => stringList(entry.raw.dependencies));
  const tasks: GraphTask[] = entries.map((entry, index) => ({
    id: `${entry.stage}.${entry.name}`,
    stage: entry.stage,
    name: entry.name,
    stageIndex: entry.stageIndex,
    dependencies: (dependencyLists[index] ?? []).map((dependency) => dependency.value),
  }));
  const { graph, problems } = buildTaskGraph(tasks, { parallel });
  const pathOf = (task: number, dependency: number) => [...(entries[task]?.path ?? []), 'dependencies', dependencyLists[task]?.[dependency]?.index ?? dependency];
  // Built once, on the first unknown dependency: rebuilding and lower-casing the list of every task for each
  // finding made a renamed stage in a large pipeline (thousands of unknown dependencies) several times slower.
  let suggestTask: Suggester | undefined;

  for (const problem of problems) {
    const path = pathOf(problem.task, problem.dependency);
    const task = tasks[problem.task] as GraphTask;
    switch (problem.kind) {
      case 'unknown':
        suggestTask ??= makeSuggester([...tasks.map((candidate) => candidate.id), ...tasks.map((candidate) => candidate.name)]);
        context.report('graph/unknown-dependency', path, `Task \`${task.id}\` depends on \`${problem.reference}\`, which is not a task of this pipeline${didYouMean(problem.reference, suggestTask)}`);
        break;
      case 'ambiguous':
        context.report('graph/unknown-dependency', path, `\`${problem.reference}\` names tasks in several stages (${problem.candidates.map((id) => `\`${id}\``).join(', ')}); write \`stage.task\``);
        break;
      case 'self':
        context.report('graph/self-dependency', path, `Task \`${task.id}\` depends on itself`);
        break;
      case 'later-stage':
        context.report('graph/later-stage-dependency', path, `Task \`${task.id}\` depends on \`${tasks[problem.target]?.id}\` of a later stage; stages run in order unless \`config.parallel: true\``);
        break;
    }
  }

  for (const cycle of findCycles(graph)) {
    const nodes = cycle.map((edge) => (graph.explicitEdges[edge] as [number, number, number])[0]);
    const description = [...nodes, nodes[0] as number].map((node) => `\`${tasks[node]?.id}\``).join(' → ');
    for (const edge of cycle) {
      const [from, to, dependency] = graph.explicitEdges[edge] as [number, number, number];
      context.report('graph/cycle', pathOf(to, dependency), `Dependency cycle ${description}: \`${tasks[to]?.id}\` depends on \`${tasks[from]?.id}\` here`);
    }
  }
}

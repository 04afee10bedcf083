/**
 * The origin trace a code shows: its product's template with its range's own steps laid over it.
 * Pure rules, no I/O.
 */
import type { TraceStepInput } from '../../../typings/admin.js';

/**
 * A range step named like a template step replaces that step's fields it sets (e.g. the batch's
 * own production date at 生产); any other range step is added after the template, in its order.
 */
export function mergeTrace(
  template: readonly TraceStepInput[],
  rangeSteps: readonly TraceStepInput[] = [],
): TraceStepInput[] {
  const overrides = new Map(rangeSteps.map((step) => [step.name, step]));
  const merged = template.map((step) => {
    const override = overrides.get(step.name);
    return override ? { ...step, ...definedFields(override) } : { ...step };
  });
  const templateNames = new Set(template.map((step) => step.name));
  const added = rangeSteps.filter((step) => !templateNames.has(step.name));
  return [...merged, ...added.map((step) => ({ ...step }))];
}

function definedFields(step: TraceStepInput): Partial<TraceStepInput> {
  return Object.fromEntries(
    Object.entries(step).filter(([, value]) => value !== undefined),
  ) as Partial<TraceStepInput>;
}

/** Whether an image reference is a cloud file ID (shown through a temporary URL). */
export function isCloudFileId(image: string): boolean {
  return image.startsWith('cloud://');
}

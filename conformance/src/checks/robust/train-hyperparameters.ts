import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Check, CheckContext } from '../../check.ts';
import { hyperparameterCases } from '../../robustness/hyperparameter-garbage.ts';
import { Random, sampleByKind } from '../../robustness/random.ts';
import {
  garbageTrainingCheck,
  names,
  trainingCaseCount,
  type GarbageTraining,
} from '../support/training-cases.ts';

/** The cases of this run: every declared hyperparameter's garbage, sampled by kind from the seed. */
export async function hyperparameterTrainings(ctx: CheckContext): Promise<GarbageTraining[]> {
  const profile = ctx.manifest.conformance.training!;
  const file = ctx.manifest.hyperparameterSchema;
  const schema = file
    ? JSON.parse(await readFile(resolve(ctx.manifestDir, file), 'utf8'))
    : undefined;
  const random = new Random(ctx.fuzz.seed).fork('hyperparameters');
  const accepted = ctx.manifest.conformance.robustness.accept;
  const cases = hyperparameterCases(schema, profile.hyperparameters, () =>
    random.chance(0.3),
  ).filter((c) => !accepted[`hyperparameter.${c.kind}`]);
  return sampleByKind(cases, trainingCaseCount(ctx.fuzz.count), random).map((c) => ({
    key: `robust-hyperparameter:${c.name}=${c.value}`,
    what: c.what,
    mustName: [names(c.name)],
    variant: { hyperparameters: { ...profile.hyperparameters, [c.name]: c.value } },
  }));
}

export const robustTrainHyperparameters: Check = {
  id: 'robust.train.hyperparameters',
  title: 'A hyperparameter the image cannot use fails the job, naming it',
  clauses: 'R5, T18',
  level: 'must',
  profile: 'robustness',
  hint: "Validate every hyperparameter before training: its type, its range, and that it is finite (NaN passes every range check, since each comparison with it is false). On failure write /opt/ml/output/failure starting with the hyperparameter's name and the fix, then exit non-zero.",
  ...garbageTrainingCheck('hyperparameters', hyperparameterTrainings),
};

import { basename, isAbsolute, resolve } from 'node:path';
import type { Check, CheckContext } from '../../check.ts';
import { dataCases } from '../../robustness/data-garbage.ts';
import { Random, sampleByKind } from '../../robustness/random.ts';
import {
  garbageTrainingCheck,
  lineNumber,
  names,
  trainingCaseCount,
  type GarbageTraining,
} from '../support/training-cases.ts';

/** The cases of this run: garbage made from each sample channel, sampled by kind from the seed. */
export async function dataTrainings(ctx: CheckContext): Promise<GarbageTraining[]> {
  const profile = ctx.manifest.conformance.training!;
  const random = new Random(ctx.fuzz.seed).fork('data');
  const accepted = ctx.manifest.conformance.robustness.accept;
  const all = [];
  for (const [channel, sample] of Object.entries(profile.channels)) {
    const source = isAbsolute(sample.source)
      ? sample.source
      : resolve(ctx.manifestDir, sample.source);
    all.push(...(await dataCases(channel, source, random.fork(channel))));
  }
  const cases = all.filter((c) => !accepted[`data.${c.kind}`]);
  const chosen = sampleByKind(cases, trainingCaseCount(ctx.fuzz.count), random);
  return Promise.all(
    chosen.map(async (c) => {
      const dir = await ctx.probes.scratchDir(`robust-${c.channel}`);
      await c.write(dir);
      const file = basename(c.file);
      return {
        key: `robust-data:${c.channel}:${c.kind}:${c.line ?? ''}`,
        what: c.what,
        // A whole file that is wrong may be named by its channel; a bad line by file and number.
        mustName:
          c.line === undefined ? [names(file, c.channel)] : [names(file), lineNumber(c.line)],
        variant: {
          channels: {
            ...profile.channels,
            [c.channel]: { ...profile.channels[c.channel]!, source: dir },
          },
        },
      };
    }),
  );
}

export const robustTrainData: Check = {
  id: 'robust.train.data',
  title: 'Training data the image cannot use fails the job, naming the file and line',
  clauses: 'R6, R7, T18',
  level: 'must',
  profile: 'robustness',
  hint: 'Validate the data as you read it: decode UTF-8 strictly, parse numbers strictly and refuse values that are not finite in the precision you train in (float32: |x| > 3.4e38), check every row\'s column count, and refuse a channel without rows. Write /opt/ml/output/failure starting with "<file> line <n>: <what is wrong>", then exit non-zero.',
  ...garbageTrainingCheck('data', dataTrainings),
};

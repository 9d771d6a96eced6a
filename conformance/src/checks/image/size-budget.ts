import { fail, pass, type Check } from '../../check.ts';

export const imageSizeBudget: Check = {
  id: 'image.size.budget',
  title: 'The image fits the size budget of its manifest',
  clauses: 'policy',
  level: 'should',
  profile: 'image',
  hint: 'Use a multi-stage build, drop build tools and package caches from the final stage, or raise budgets.imageSizeMb if the growth is intended: large images start slowly on SageMaker.',
  notApplicable: ({ manifest }) =>
    manifest.budgets.imageSizeMb === undefined
      ? 'the manifest sets no budgets.imageSizeMb'
      : undefined,
  async run({ probes, manifest }) {
    const mb = (await probes.imageInfo()).Size / 1e6;
    const budget = manifest.budgets.imageSizeMb ?? Infinity;
    if (mb > budget)
      return fail(`the image is ${mb.toFixed(1)} MB, over the budget of ${budget} MB`);
    return pass(`the image is ${mb.toFixed(1)} MB, within ${budget} MB`);
  },
};

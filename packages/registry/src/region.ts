import { ExplainedError } from '@sagemaker-templates/contract';

/** A region name given in a wrong form. */
export class RegionError extends ExplainedError {
  override name = 'RegionError';
}

const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

/**
 * Checks the form of an AWS region name (e.g. `eu-west-1`) and returns it. `where` names the
 * source, e.g. `push.region in templates/node/template.json` or `AWS_REGION`.
 */
export function assertRegion(value: string, where: string): string {
  if (REGION.test(value)) return value;
  const fail = (fix: string): never => {
    throw new RegionError(
      `${where} is ${JSON.stringify(value)}, which is not an AWS region name. ${fix}`,
    );
  };
  const lower = value.trim().toLowerCase();
  if (REGION.test(lower)) fail(`Use ${JSON.stringify(lower)}.`);
  const zone = /^([a-z]{2}(?:-[a-z]+)+-\d{1,2})[a-z]$/.exec(lower);
  if (zone) fail(`That is an availability zone; its region is ${JSON.stringify(zone[1])}.`);
  const missingDash = /^([a-z]{2}(?:-[a-z]+)+?)(\d{1,2})$/.exec(lower);
  if (missingDash) fail(`Did you mean ${JSON.stringify(`${missingDash[1]}-${missingDash[2]}`)}?`);
  return fail(
    'Region names look like us-east-1 or eu-west-1 (aws ec2 describe-regions lists them).',
  );
}

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { buildTemplate } from './build-template.ts';
import { checkTemplate } from './check-template.ts';
import { ConformanceCache, suiteKey, type ConformancePass } from './conformance-cache.ts';

const TARGETS = ['build', 'conformance', 'push', 'train', 'serve'];
/** Errors whose message is the whole story (what, where, fix): printed without a stack. */
const EXPLAINED = new Set([
  'TemplateBuildError',
  'ManifestError',
  'PushError',
  'PushUsageError',
  'RepositoryNameError',
  'RegionError',
  'LocalRunError',
]);
// Loaded only by push, so build and conformance start without the AWS SDK.
let redact = (text: string) => text;

/** Entry point of the inferred targets: `run-target.ts <build|conformance|push> <templateRoot> [args]`. */
async function main(argv: string[]): Promise<number> {
  const [target, root, ...rest] = argv;
  if (!target || !root || !TARGETS.includes(target)) {
    console.error(
      'usage: run-target.ts <build|conformance|push|train|serve> templates/<name> [options of that target]',
    );
    return 2;
  }
  try {
    if (target === 'build') {
      await buildTemplate(root);
      return 0;
    }
    if (target === 'train' || target === 'serve') {
      const { localServe, localTrain } = await import('./local-run.ts');
      return await (target === 'train' ? localTrain : localServe)(root, rest);
    }
    if (target === 'push') {
      // The SDK's notice about future Node.js versions would end up in every push log.
      process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
      const { redactor } = await import('@sagemaker-templates/registry');
      redact = (text) => redactor.redact(text);
      const { pushTemplate } = await import('./push-template.ts');
      await pushTemplate(root, { argv: rest });
      return 0;
    }
    return await conformance(root, rest);
  } catch (error) {
    if (error instanceof Error && EXPLAINED.has(error.name)) {
      console.error(redact(`[${basename(root)}:${target}] ${error.message}`));
      return 1;
    }
    console.error(
      redact(`[${basename(root)}:${target}] ${(error as Error).stack ?? String(error)}`),
    );
    return 1;
  }
}

/**
 * Builds, then runs the suite unless this image already passed this suite (the results cache that
 * push uses too); `--force` or SAGEMAKER_TEMPLATES_FORCE_CONFORMANCE=true runs it regardless.
 */
async function conformance(root: string, args: string[]): Promise<number> {
  const force =
    args.includes('--force') || process.env.SAGEMAKER_TEMPLATES_FORCE_CONFORMANCE === 'true';
  const rest = args.filter((arg) => arg !== '--force');
  const partial = rest.some((arg) => arg.startsWith('--only'));
  // A chosen seed or amount of garbage is a run the user asked for: never answered from the cache.
  const chosenGarbage = rest.some(
    (arg) => arg.startsWith('--seed') || arg.startsWith('--fuzz-count'),
  );
  const built = await buildTemplate(root, { quiet: true });
  const name = basename(root);
  const cache = new ConformanceCache();
  const key = await suiteKey(root);
  const earlier =
    force || partial || chosenGarbage ? undefined : await cache.find(built.imageId, key);
  if (earlier) {
    await restoreReport(earlier, name, rest);
    console.log(
      `CONFORMS  ${name}  (${built.image}, ${built.imageId.replace('sha256:', '').slice(0, 12)}): this image passed this suite at ${earlier.passedAt}; not run again.\n` +
        `  To run it anyway: npx nx run ${name}:conformance --force (or SAGEMAKER_TEMPLATES_FORCE_CONFORMANCE=true)`,
    );
    return 0;
  }
  const code = await checkTemplate(root, built.image, rest);
  // Only a full run counts as a pass that later runs and push may rely on.
  if (code === 0 && !partial) {
    const report = await readFile(reportPath(name, rest), 'utf8').then(JSON.parse, () => undefined);
    await cache.record({ name, imageId: built.imageId, suiteKey: key, report });
  }
  return code;
}

/** Where the conformance CLI writes this template's JSON report (its --report-dir, or the default). */
function reportPath(name: string, args: string[]): string {
  const at = args.findIndex((a) => a === '--report-dir' || a.startsWith('--report-dir='));
  const dir =
    at < 0
      ? 'reports/conformance'
      : (args[at]!.split('=')[1] ?? args[at + 1] ?? 'reports/conformance');
  return join(dir, `${name}.json`);
}

/**
 * A run that relies on an earlier pass still leaves that pass's report (marked as reused), so the
 * reports folder always holds every checked template and a summary over it can be trusted.
 */
async function restoreReport(pass: ConformancePass, name: string, args: string[]): Promise<void> {
  if (!pass.report) return;
  const path = reportPath(name, args);
  await mkdir(dirname(path), { recursive: true });
  const report = { ...(pass.report as object), reusedPass: { passedAt: pass.passedAt } };
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
}

process.exitCode = await main(process.argv.slice(2));

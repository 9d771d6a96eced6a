import { basename } from 'node:path';
import { buildTemplate, TemplateBuildError } from './build-template.ts';
import { checkTemplate } from './check-template.ts';

/** Entry point of the inferred targets: `run-target.ts <build|conformance> <templateRoot> [args]`. */
async function main(argv: string[]): Promise<number> {
  const [target, root, ...rest] = argv;
  if (!target || !root || !['build', 'conformance'].includes(target)) {
    console.error(
      'usage: run-target.ts <build|conformance> templates/<name> [conformance options]',
    );
    return 2;
  }
  try {
    if (target === 'build') {
      await buildTemplate(root);
      return 0;
    }
    const built = await buildTemplate(root, { quiet: true });
    return await checkTemplate(root, built.image, rest);
  } catch (error) {
    if (error instanceof TemplateBuildError) {
      console.error(`[${basename(root)}:${target}] ${error.message}`);
      return 1;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));

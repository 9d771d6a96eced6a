import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Tree } from '@nx/devkit';
import { ExplainedError } from '@sagemaker-templates/contract';

/** Options of `nx g @sagemaker-templates/nx-plugin:template <name> --from <template>`. */
export interface TemplateGeneratorOptions {
  name: string;
  from?: string;
}

/** Docker repository path components: lowercase letters, digits and separators (as build-template.ts). */
const FOLDER_NAME = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
/** Never copied: build outputs, installed packages, the host CA bundle the engine drops in. */
const SKIPPED = new Set([
  'node_modules',
  'dist',
  '.sagemaker-templates',
  '.git',
  '.cache',
  'reports',
]);

export class TemplateGeneratorError extends ExplainedError {
  override name = 'TemplateGeneratorError';
}

/**
 * Copies templates/<from> to templates/<name>. The copy is a project at once (identity comes from
 * the folder); the generator only renames what names the old template for people: the npm package
 * name of the image's own package.json and package-lock.json, an explicit push.repository, and the
 * README's title and commands.
 */
export async function templateGenerator(
  tree: Tree,
  options: TemplateGeneratorOptions,
): Promise<() => void> {
  const { name } = options;
  const from = options.from ?? 'node';
  if (!FOLDER_NAME.test(name)) {
    throw new TemplateGeneratorError(
      `"${name}" cannot name a template: the folder name becomes the image and ECR repository name. Use lowercase letters and digits, separated by '.', '_' or '-' (e.g. my-algo).`,
    );
  }
  const source = `templates/${from}`;
  const target = `templates/${name}`;
  if (!tree.exists(`${source}/template.json`)) {
    const existing = tree
      .children('templates')
      .filter((child) => tree.exists(`templates/${child}/template.json`));
    throw new TemplateGeneratorError(
      `${source}/template.json does not exist, so there is no template "${from}" to copy. Use --from with one of: ${existing.join(', ') || '(none)'}.`,
    );
  }
  if (tree.exists(target)) {
    throw new TemplateGeneratorError(
      `${target} already exists. Choose another name, or remove the folder first.`,
    );
  }
  copyFolder(tree, source, target, (path, content) => renameFile(path, content, from, name));
  return () => {
    console.log(
      `\n${target} is ready: a project named "${name}".\n  npx nx run ${name}:build\n  npx nx run ${name}:conformance\n  npx nx run ${name}:push\n`,
    );
  };
}

export default templateGenerator;

function copyFolder(
  tree: Tree,
  source: string,
  target: string,
  transform: (relativePath: string, content: Buffer) => Buffer | string,
  relative = '',
): void {
  for (const child of tree.children(relative ? `${source}/${relative}` : source)) {
    if (SKIPPED.has(child)) continue;
    const path = relative ? `${relative}/${child}` : child;
    const from = `${source}/${path}`;
    if (!tree.isFile(from)) {
      copyFolder(tree, source, target, transform, path);
      continue;
    }
    const content = tree.read(from);
    if (content === null) continue;
    tree.write(`${target}/${path}`, transform(path, content), { mode: modeOf(tree, from) });
  }
}

/** The file's permission bits on disk (train/serve scripts must stay executable); 0o644 for new files. */
function modeOf(tree: Tree, path: string): number {
  try {
    return statSync(join(tree.root, path)).mode & 0o777;
  } catch {
    return 0o644;
  }
}

/** What the generator changes in a copied file; everything else is copied byte for byte. */
export function renameFile(
  path: string,
  content: Buffer,
  from: string,
  to: string,
): Buffer | string {
  if (path === 'package.json' || path === 'package-lock.json') {
    const json = JSON.parse(content.toString('utf8')) as {
      name?: string;
      packages?: Record<string, { name?: string }>;
    };
    const renamed = json.name ? renamePackage(json.name, from, to) : undefined;
    if (!renamed) return content;
    json.name = renamed;
    if (json.packages?.['']?.name) json.packages[''].name = renamed;
    return `${JSON.stringify(json, null, 2)}\n`;
  }
  if (path === 'template.json') {
    const json = JSON.parse(content.toString('utf8')) as { push?: { repository?: string } };
    if (!json.push?.repository) return content;
    json.push.repository = json.push.repository.replace(token(from), `$1${to}`);
    return `${JSON.stringify(json, null, 2)}\n`;
  }
  if (path === 'README.md') return renameReadme(content.toString('utf8'), from, to);
  return content;
}

/** `from` as a whole word of a name: after start or a separator, before end or a separator. */
const token = (from: string) => new RegExp(`(^|[-/@_.])${escape(from)}(?=$|[-/_.])`);
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `sagemaker-node-algorithm` -> `sagemaker-my-algo-algorithm`; a name without the token becomes `sagemaker-<to>`. */
export function renamePackage(name: string, from: string, to: string): string {
  const renamed = name.replace(token(from), `$1${to}`);
  return renamed !== name ? renamed : `sagemaker-${to}`;
}

/**
 * The README's first heading becomes the new name (saying where it came from), and the commands
 * and paths that name the old template name the new one. Base images such as
 * `sagemaker-templates/node:22-bookworm` are left alone.
 */
export function renameReadme(text: string, from: string, to: string): string {
  const f = escape(from);
  const renamed = text
    .replace(new RegExp(`(?<![\\w-])templates/${f}(?![\\w-])`, 'g'), `templates/${to}`)
    .replace(new RegExp(`(?<![\\w./-])${f}:(build|conformance|push)\\b`, 'g'), `${to}:$1`)
    .replace(new RegExp(`sagemaker-templates/${f}(?![\\w.:-])`, 'g'), `sagemaker-templates/${to}`);
  const title = /^# (.*)$/m.exec(text);
  if (!title) return renamed;
  return renamed.replace(
    /^# .*$/m,
    () => `# ${to}\n\nMade from templates/${from} (${(title[1] ?? '').trim()}).`,
  );
}

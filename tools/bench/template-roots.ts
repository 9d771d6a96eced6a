import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The template folders a bench was given, or every templates/* folder with a template.json. */
export function templateRoots(given: string[]): string[] {
  if (given.length > 0) return given;
  return readdirSync('templates')
    .map((name) => join('templates', name))
    .filter((root) => existsSync(join(root, 'template.json')));
}

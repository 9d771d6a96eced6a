import type { CreateNodesV2 } from '@nx/devkit';
import { dirname, basename } from 'node:path';
export const createNodesV2: CreateNodesV2 = [
  'templates/*/template.json',
  async (files) => files.map((file) => [file, { projects: { [dirname(file)]: { name: basename(dirname(file)), root: dirname(file), targets: { build: { command: 'echo build ' + dirname(file) } } } } }]),
];

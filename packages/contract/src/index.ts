export * from './constants.ts';
export * from './types.ts';
export * from './manifest.ts';
export * from './config-files.ts';
export * from './explained-error.ts';
export * from './platforms.ts';
export * from './instance-types.ts';

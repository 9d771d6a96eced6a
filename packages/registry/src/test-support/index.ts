export * from './free-port.ts';
export * from './local-registry.ts';
export * from './managed-process.ts';
export * from './moto-server.ts';
export * from './push-test-servers.ts';
export * from './test-images.ts';
export * from './isolated-aws-env.ts';
export * from './remove-image-references.ts';

/**
 * Starts moto (the ECR API) and docker-registry (the image registry) on random loopback ports for
 * trying `nx run <template>:push` by hand, prints the environment that points a push at them, and
 * stops both on Ctrl-C (or SIGTERM). Installs them first if needed (ensure-push-test-servers.sh).
 *
 *   npx tsx tools/machine/start-push-test-servers.ts
 *   # in another shell: paste the printed exports, then
 *   npx nx run node:push --allow-offline-base
 */
import { startPushTestServers } from '@sagemaker-templates/registry/test-support';

const servers = await startPushTestServers();
console.log('# moto (ECR API) and docker-registry are up; paste these into another shell:');
for (const [key, value] of Object.entries(servers.env)) console.log(`export ${key}='${value}'`);
console.log(`# registry storage: ${servers.registry.storageDir}`);
console.log('# Ctrl-C stops both and removes their storage.');
const stop = async () => {
  await servers.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
setInterval(() => undefined, 1 << 30);

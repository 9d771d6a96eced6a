/**
 * What the content-hash build and push save, on this machine, against moto (the ECR API) and a
 * local docker-registry started here on loopback ports:
 *
 *   1. a no-op `nx run-many -t build` on unchanged templates, next to the naive loop that rebuilds
 *      every image with a warm layer cache and pushes it (what a build_and_push.sh per template does);
 *   2. the bytes a push uploads after a code-only change of one template (a copy of templates/node);
 *   3. the time of a push that is already up to date (in-process, and `nx run <template>:push`);
 *   4. a fresh CI runner (empty .cache/) pushing an unchanged template: with a current pass record
 *      in the registry (no build, no suite), and without one (the suite runs; a runner without the
 *      layer cache also builds from nothing, timed on its own).
 *
 *   SAGEMAKER_TEMPLATES_BASE=offline npx tsx tools/bench/push.ts [--templates node,...]
 */
import { execFile } from 'node:child_process';
import { appendFile, cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { promisify } from 'node:util';
import { loadManifest } from '@sagemaker-templates/contract';
import { buildImage, connectEngine } from '@sagemaker-templates/engine';
import { DistributionClient, pushImage } from '@sagemaker-templates/registry';
import {
  removeImageReferences,
  startPushTestServers,
} from '@sagemaker-templates/registry/test-support';
import { baseMode, resolveBase } from '../nx-plugin/src/base-image.ts';
import { buildTemplate } from '../nx-plugin/src/build-template.ts';
import { ConformanceCache } from '../nx-plugin/src/conformance-cache.ts';
import { pushTemplate } from '../nx-plugin/src/push-template.ts';

const run = promisify(execFile);
const { values } = parseArgs({ options: { templates: { type: 'string' } } });
const templates = values.templates
  ? values.templates.split(',')
  : (await readdir('templates')).filter((name) =>
      existsSync(join('templates', name, 'template.json')),
    );
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const kb = (bytes: number) => `${(bytes / 1e3).toFixed(1)} kB`;
/** Runs work with console.log silenced (build steps and the suite's lines would bury the numbers). */
const silently = async <T>(work: () => Promise<T>): Promise<T> => {
  const log = console.log;
  console.log = () => undefined;
  try {
    return await work();
  } finally {
    console.log = log;
  }
};
const time = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
};

const docker = connectEngine();
const servers = await startPushTestServers();
Object.assign(process.env, servers.env, { NX_DAEMON: 'false', FORCE_COLOR: '0' });
process.env.SAGEMAKER_TEMPLATES_PUSH_ALLOW_OFFLINE_BASE ??= 'true';
const scratch = await mkdtemp(join(tmpdir(), 'bench-push-'));
const quiet = { log: () => undefined };
const auth = { username: 'AWS', password: servers.moto.registryPassword };

try {
  console.log(
    `templates: ${templates.join(', ')}; registry ${servers.registry.host}, ECR API ${servers.moto.endpoint}\n`,
  );

  // 1. no-op build through Nx vs. the naive loop
  const nx = [
    '--no-install',
    'nx',
    'run-many',
    '-t',
    'build',
    `--projects=${templates.join(',')}`,
    '--outputStyle=static',
  ];
  await run('npx', nx, { maxBuffer: 64 * 1024 * 1024 }); // builds whatever is out of date first
  const [, noop] = await time(() => run('npx', nx, { maxBuffer: 64 * 1024 * 1024 }));
  const naive = { build: 0, push: 0, again: 0, cold: 0 };
  const naiveRound = async (key: 'build' | 'again' | 'cold', noCache = false) => {
    for (const name of templates) {
      const root = join('templates', name);
      const manifest = await loadManifest(join(root, 'template.json'));
      const base = await resolveBase(docker, manifest, baseMode());
      const tag = `sagemaker-templates/bench-naive-${name}:latest`;
      const [, build] = await time(() =>
        buildImage(docker, {
          context: root,
          tags: [tag],
          noCache,
          buildArgs: { ...manifest.buildArgs, BASE_IMAGE: base.ref },
        }),
      );
      const [, push] = await time(() =>
        pushImage(docker, {
          source: tag,
          registry: servers.registry.host,
          repository: `naive/${name}`,
          tag: 'latest',
          auth,
        }),
      );
      if (key === 'build') {
        naive.build += build;
        naive.push += push;
      } else naive[key] += build + push;
    }
  };
  await naiveRound('build'); // the first push fills the registry
  await naiveRound('again'); // what every later run pays: layers cached, registry holding them
  await naiveRound('cold', true); // a fresh CI runner: no layer cache
  console.log(`1. unchanged templates (${templates.length})`);
  console.log(
    `   nx run-many -t build, nothing to build (content hash)            ${seconds(noop).padStart(8)}`,
  );
  console.log(
    `   naive loop (build + push each), warm cache, registry has it all  ${seconds(naive.again).padStart(8)}`,
  );
  console.log(
    `   naive loop, warm cache, empty registry (first push of all)       ${seconds(naive.build + naive.push).padStart(8)}  (build ${seconds(naive.build)}, push ${seconds(naive.push)})`,
  );
  console.log(
    `   naive loop on a fresh runner (no layer cache), registry has it   ${seconds(naive.cold).padStart(8)}`,
  );

  // 2. bytes uploaded for a code-only change of one template
  const root = join(scratch, 'templates', 'bench-algo');
  await cp('templates/node', root, {
    recursive: true,
    filter: (src) => !/node_modules|[/]dist$/.test(src),
  });
  const first = await silently(() => pushTemplate(root, quiet));
  const before = await servers.registry.storedBytes();
  await appendFile(join(root, 'src/paths.ts'), `\nexport const BENCH_EDITION = '${Date.now()}';\n`);
  const [second, changedMs] = await time(() => silently(() => pushTemplate(root, quiet)));
  const uploaded = (await servers.registry.storedBytes()) - before;
  const manifest = JSON.parse(
    (
      await new DistributionClient({ registry: servers.registry.host, auth }).getManifest(
        'sagemaker-templates/bench-algo',
        second.digest,
      )
    ).body.toString(),
  ) as { config: { size: number }; layers: { size: number }[] };
  const imageBytes =
    manifest.config.size + manifest.layers.reduce((sum, layer) => sum + layer.size, 0);
  console.log('\n2. code-only change of one template (a copy of templates/node, one line in src/)');
  const layers = (p: typeof first) =>
    p.push
      ? `${p.push.layers.pushed} uploaded, ${p.push.layers.mounted + p.push.layers.existed} already in the registry`
      : 'none (up to date)';
  console.log(`   first push (layers shared with node): ${layers(first)}`);
  console.log(
    `   after the change: layers ${layers(second)}; ${kb(uploaded)} stored by the registry (compressed) of ${mb(imageBytes)} for the whole image`,
  );
  console.log(`   build + conformance suite + push after the change: ${seconds(changedMs)}`);

  // 3. a push that is already up to date
  const [upToDate, inProcess] = await time(() => silently(() => pushTemplate(root, quiet)));
  if (upToDate.status !== 'up-to-date') throw new Error('expected an up-to-date push');
  await silently(() => pushTemplate('templates/node', quiet)); // node pushed, its suite result cached
  const [, cli] = await time(() =>
    run('npx', ['--no-install', 'nx', 'run', 'node:push', '--outputStyle=static'], {
      maxBuffer: 64 * 1024 * 1024,
    }),
  );
  console.log('\n3. push of an image that is already up to date');
  console.log(
    `   pushTemplate (in-process: hash, suite cache, ECR calls, HEAD)   ${seconds(inProcess).padStart(8)}`,
  );
  console.log(
    `   npx nx run node:push (process start, Nx, the same)             ${seconds(cli).padStart(8)}`,
  );

  // 4. a fresh runner: empty .cache/, the image and its pass record in the registry (or not)
  const freshCache = () => new ConformanceCache(join(scratch, `cache-${Date.now()}`));
  const [recorded, withRecord] = await time(() =>
    silently(() => pushTemplate(root, { ...quiet, cache: freshCache() })),
  );
  const [expired, withoutRecord] = await time(() =>
    silently(() =>
      pushTemplate(root, { ...quiet, cache: freshCache(), options: { 'pass-max-age': '1s' } }),
    ),
  );
  const [, coldBuild] = await time(() => buildTemplate(root, { quiet: true, noCache: true }));
  console.log('\n4. a fresh CI runner (empty .cache/) pushes an unchanged template');
  const row = (label: string, ms: number, extra = '') =>
    console.log(`   ${label.padEnd(66)}${seconds(ms).padStart(8)}${extra}`);
  row(
    `current pass record in the registry (${recorded.conformance}: no build, no suite)`,
    withRecord,
  );
  row(
    `no current record (${expired.conformance}: suite, push up to date; image here)`,
    withoutRecord,
  );
  row(
    '... plus the build a runner without the layer cache makes',
    coldBuild,
    `  (${seconds(withoutRecord + coldBuild)} in all)`,
  );
} finally {
  await removeImageReferences(docker, [
    `${servers.registry.host}/*/*`,
    'sagemaker-templates/bench-*',
  ]);
  await rm(scratch, { recursive: true, force: true });
  for (const file of ['bench-algo.json', 'bench-algo.junit.xml']) {
    await rm(join('reports/conformance', file), { force: true });
  }
  await servers.close();
}

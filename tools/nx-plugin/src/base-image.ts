import { inspectImage, pullImage, type Engine } from '@sagemaker-templates/engine';
import { ExplainedError, type TemplateManifest } from '@sagemaker-templates/contract';

export type BaseMode = 'upstream' | 'offline' | 'auto';

export interface ResolvedBase {
  ref: string;
  id: string;
  kind: 'upstream' | 'offline';
  note?: string;
}

export function baseMode(value = process.env.SAGEMAKER_TEMPLATES_BASE ?? 'auto'): BaseMode {
  if (value === 'upstream' || value === 'offline' || value === 'auto') return value;
  throw new ExplainedError(
    `SAGEMAKER_TEMPLATES_BASE=${JSON.stringify(value)} is not valid. Use upstream (the real base, default for users), offline (the locally made stand-in) or auto.`,
  );
}

/**
 * Picks the base image: `upstream` is the template's real base (pulled if missing), `offline` the
 * locally made stand-in, and `auto` the upstream base when it is here or can be pulled, else the
 * stand-in, said loudly, since an image on a stand-in base must not be pushed by mistake.
 */
export async function resolveBase(
  docker: Engine,
  manifest: TemplateManifest,
  mode: BaseMode,
): Promise<ResolvedBase> {
  const { upstream, offline } = manifest.base;
  const makeOffline =
    'Make it with `SAGEMAKER_TEMPLATES_BASE=offline npx nx run-many -t build --projects=tag:base-image`.';
  if (mode === 'offline') {
    if (!offline)
      throw new Error(
        `template.json declares no base.offline stand-in for ${upstream}. Add one, or build with SAGEMAKER_TEMPLATES_BASE=upstream.`,
      );
    const info = await inspectImage(docker, offline);
    if (!info) throw new Error(`the offline base ${offline} is not on this engine. ${makeOffline}`);
    return { ref: offline, id: info.Id, kind: 'offline' };
  }
  const local = await inspectImage(docker, upstream);
  if (local) return { ref: upstream, id: local.Id, kind: 'upstream' };
  const pullError = await pull(docker, upstream);
  if (!pullError) {
    const pulled = await inspectImage(docker, upstream);
    if (pulled) return { ref: upstream, id: pulled.Id, kind: 'upstream' };
  }
  if (mode === 'auto' && offline) {
    const info = await inspectImage(docker, offline);
    if (info) {
      return {
        ref: offline,
        id: info.Id,
        kind: 'offline',
        note: `upstream base ${upstream} could not be pulled (${pullError}); building on the offline stand-in ${offline}. Set SAGEMAKER_TEMPLATES_BASE=upstream to require the real base.`,
      };
    }
  }
  const hint = offline
    ? ` or use the offline stand-in (${makeOffline.slice(0, -1)}, then set SAGEMAKER_TEMPLATES_BASE=offline)`
    : '';
  throw new Error(
    `the base image ${upstream} is not on this engine and could not be pulled (${pullError}). Log in to its registry${hint}.`,
  );
}

async function pull(docker: Engine, ref: string): Promise<string | undefined> {
  try {
    await pullImage(docker, ref);
    return undefined;
  } catch (error) {
    return (error as Error).message.split('\n')[0];
  }
}

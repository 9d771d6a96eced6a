import { readFile } from 'node:fs/promises';

/** Where every build context carries the host's trust bundle (for builder stages behind a TLS-intercepting proxy). */
export const HOST_CA_BUNDLE_PATH = '.sagemaker-templates/host-ca-bundle.pem';

/** Candidate trust bundles, first existing wins: $SSL_CERT_FILE, $NODE_EXTRA_CA_CERTS, the Debian bundle. */
export function hostCaBundleCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  return [env.SSL_CERT_FILE, env.NODE_EXTRA_CA_CERTS, '/etc/ssl/certs/ca-certificates.crt'].filter(
    (candidate): candidate is string => Boolean(candidate),
  );
}

/** The first readable candidate's bytes and path; empty content (no source) when the host has no bundle. */
export async function readHostCaBundle(
  candidates: readonly string[] = hostCaBundleCandidates(),
): Promise<{ content: Buffer; source?: string }> {
  for (const candidate of candidates) {
    try {
      return { content: await readFile(candidate), source: candidate };
    } catch {
      // Try the next candidate: a variable may name a file that does not exist on this machine.
    }
  }
  return { content: Buffer.alloc(0) };
}

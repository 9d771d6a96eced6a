import { fail, pass, type Check } from '../../check.ts';

/** Environment variables whose presence in an image means a baked secret. */
const SECRET_ENV =
  /^(AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|AWS_ACCESS_KEY_ID|NPM_TOKEN|NODE_AUTH_TOKEN|GITHUB_TOKEN|GH_TOKEN|HF_TOKEN|HUGGING_FACE_HUB_TOKEN|DOCKER_AUTH_CONFIG|[A-Z0-9_]*_(PASSWORD|SECRET|API_KEY))$/i;
/** A URL that carries a user and password: https://user:pass@host. */
const URL_WITH_PASSWORD = /:\/\/[^/\s:@]+:[^/\s@]+@/;

/** Files that hold credentials, and how to tell that one does. */
export const CREDENTIAL_FILES: Record<string, (text: string) => boolean> = {
  '/root/.aws/credentials': (t) => /aws_secret_access_key|aws_session_token/i.test(t),
  '/root/.docker/config.json': (t) => /"auth"\s*:\s*"[^"]+"|"identitytoken"/i.test(t),
  '/root/.npmrc': (t) => /_authToken|_auth\s*=|_password/i.test(t),
  '/etc/npmrc': (t) => /_authToken|_auth\s*=|_password/i.test(t),
  '/usr/local/etc/npmrc': (t) => /_authToken|_auth\s*=|_password/i.test(t),
  '/root/.netrc': (t) => /\bpassword\b/i.test(t),
  '/root/.git-credentials': (t) => t.trim() !== '',
  '/etc/pip.conf': (t) => URL_WITH_PASSWORD.test(t),
  '/root/.pip/pip.conf': (t) => URL_WITH_PASSWORD.test(t),
  '/root/.config/pip/pip.conf': (t) => URL_WITH_PASSWORD.test(t),
};

/** Names (never values) of the secrets found in an image's environment and files. */
export function findCredentials(
  env: readonly string[],
  files: Map<string, string | undefined>,
): string[] {
  const found: string[] = [];
  for (const entry of env) {
    const [name = '', value = ''] = [
      entry.slice(0, entry.indexOf('=')),
      entry.slice(entry.indexOf('=') + 1),
    ];
    if (value !== '' && SECRET_ENV.test(name)) found.push(`ENV ${name}`);
    else if (URL_WITH_PASSWORD.test(value)) found.push(`ENV ${name} (a URL with a password)`);
  }
  for (const [path, text] of files) {
    if (text !== undefined && CREDENTIAL_FILES[path]?.(text)) found.push(path);
  }
  return found;
}

export const imageNoCredentials: Check = {
  id: 'image.no-credentials',
  title: 'No credentials are baked into the image',
  clauses: 'T23, L6',
  level: 'must',
  profile: 'image',
  hint: 'Remove the secret from the image (and rebuild from scratch: it stays in older layers). SageMaker passes AWS credentials through the execution role; use build secrets or a builder stage for registry tokens.',
  async run({ probes }) {
    const info = await probes.imageInfo();
    const files = await probes.imageFiles(Object.keys(CREDENTIAL_FILES));
    const found = findCredentials(info.Config.Env ?? [], files);
    if (found.length > 0)
      return fail(
        `the image carries credentials: ${found.join(', ')} (values not shown), expected none`,
      );
    return pass(
      `no credentials in the environment or in ${Object.keys(CREDENTIAL_FILES).length} well-known credential files`,
    );
  },
};

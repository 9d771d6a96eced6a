import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const DOCKER = process.env.SAGEMAKER_TEMPLATES_DOCKER ?? '/usr/bin/docker';

/**
 * Rewrites the os/architecture of `image`'s config (docker save, edit, docker load under the same
 * tag), leaving its layers as they are: how the meta-test makes an image that claims another
 * platform yet still runs here.
 */
export async function setImagePlatform(image: string, platform: string): Promise<void> {
  const [os, architecture] = platform.trim().split('/');
  const script = `
set -euo pipefail
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
"$DOCKER" save "$IMAGE" | tar -x -C "$dir"
config=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1]))[0].Config)' "$dir/manifest.json")
node -e '
  const fs = require("fs"); const [file, os, arch] = process.argv.slice(1);
  const c = JSON.parse(fs.readFileSync(file)); c.os = os; c.architecture = arch; delete c.variant;
  fs.writeFileSync(file, JSON.stringify(c));' "$dir/$config" "$OS" "$ARCH"
(cd "$dir" && tar -c .) | "$DOCKER" load -q >/dev/null
`;
  await exec('bash', ['-c', script], {
    env: { ...process.env, DOCKER, IMAGE: image, OS: os, ARCH: architecture },
    maxBuffer: 16 << 20,
  });
}

import { fail, pass, type Check } from '../../check.ts';

/** True for the users that mean root: unset, `root`, `0`, `0:0`, `root:root`. */
export function isRootUser(user: string | undefined): boolean {
  const name = (user ?? '').split(':')[0]?.trim() ?? '';
  return name === '' || name === 'root' || name === '0';
}

export const imageUserRoot: Check = {
  id: 'image.user.root',
  title: 'The image runs as root',
  clauses: 'I2',
  level: 'must',
  profile: 'image',
  hint: 'Remove the final USER line (or set USER root): SageMaker expects containers to run as root, and a non-root user cannot write to the /opt/ml folders SageMaker mounts.',
  async run({ probes }) {
    const user = (await probes.imageInfo()).Config.User;
    if (!isRootUser(user))
      return fail(`the image runs as user ${JSON.stringify(user)}, expected root`);
    return pass(user ? `the image runs as ${user}` : 'no USER: the image runs as root');
  },
};

import type { Engine } from './connect-engine.ts';

/** A container as `docker ps -a` lists it. */
export interface ListedContainer {
  id: string;
  names: string[];
  image: string;
  state: string;
}

/** Every container (running or not) carrying `label` (`key` or `key=value`), e.g. one session's. */
export async function containersLabelled(
  engine: Engine,
  label: string,
): Promise<ListedContainer[]> {
  const listed = await engine.listContainers({ all: true, filters: { label: [label] } });
  return listed.map((c) => ({ id: c.Id, names: c.Names, image: c.Image, state: c.State }));
}

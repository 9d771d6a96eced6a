import type Docker from 'dockerode';
import type { RunningContainer } from '@sagemaker-templates/engine';

/** Follows the container's output onto this process's stdout and stderr. */
export async function streamLogs(docker: Docker, container: RunningContainer): Promise<void> {
  const stream = await docker
    .getContainer(container.id)
    .logs({ follow: true, stdout: true, stderr: true });
  docker.modem.demuxStream(stream, process.stdout, process.stderr);
}

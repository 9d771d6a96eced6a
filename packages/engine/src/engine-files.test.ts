import Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import {
  ENGINE_FILES_ENV,
  engineFiles,
  engineIsRemote,
  publishedPortHost,
} from './engine-files.ts';

const socket = new Docker({ socketPath: '/var/run/docker.sock' });
const loopbackTcp = new Docker({ host: '127.0.0.1', port: 2375, protocol: 'http' });
const remoteTls = new Docker({ host: 'gpu-1.example.com', port: 2376, protocol: 'https' });
const ssh = new Docker({ host: 'gpu-2', protocol: 'ssh' } as Docker.DockerOptions);

describe('engineFiles', () => {
  it('binds folders for a local socket and copies them for tcp, https and ssh', () => {
    expect(engineFiles(socket, {})).toBe('shared');
    expect(engineFiles(loopbackTcp, {})).toBe('copied');
    expect(engineFiles(remoteTls, {})).toBe('copied');
    expect(engineFiles(ssh, {})).toBe('copied');
  });

  it('follows the override either way and rejects an unknown mode', () => {
    expect(engineFiles(socket, { [ENGINE_FILES_ENV]: 'copied' })).toBe('copied');
    expect(engineFiles(remoteTls, { [ENGINE_FILES_ENV]: 'shared' })).toBe('shared');
    expect(() => engineFiles(socket, { [ENGINE_FILES_ENV]: 'bind' })).toThrow(
      /SAGEMAKER_TEMPLATES_ENGINE_FILES=bind is not a mode.*"shared".*"copied"/,
    );
  });
});

describe('publishedPortHost', () => {
  it('publishes on loopback for a local engine and on all interfaces of a remote one', () => {
    expect(publishedPortHost(socket)).toEqual({ connectTo: '127.0.0.1', bindTo: '127.0.0.1' });
    expect(publishedPortHost(loopbackTcp)).toEqual({ connectTo: '127.0.0.1', bindTo: '127.0.0.1' });
    expect(publishedPortHost(remoteTls)).toEqual({
      connectTo: 'gpu-1.example.com',
      bindTo: '0.0.0.0',
    });
    expect(publishedPortHost(ssh).connectTo).toBe('gpu-2');
  });

  it('says which engines are remote', () => {
    expect([socket, loopbackTcp, remoteTls, ssh].map((d) => engineIsRemote(d))).toEqual([
      false,
      true,
      true,
      true,
    ]);
  });
});

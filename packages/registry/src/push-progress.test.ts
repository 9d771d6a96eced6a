import { describe, expect, it } from 'vitest';
import { isTransientPushError, PushProgress } from './push-progress.ts';

describe('PushProgress', () => {
  it('counts layers per outcome, bytes uploaded, and takes the digest', () => {
    const lines: string[] = [];
    const progress = new PushProgress((line) => lines.push(line));
    for (const event of [
      { status: 'The push refers to repository [127.0.0.1:5000/x]' },
      { status: 'Preparing', id: 'aaaaaaaaaaaa' },
      { status: 'Preparing', id: 'bbbbbbbbbbbb' },
      { status: 'Preparing', id: 'cccccccccccc' },
      { status: 'Pushing', id: 'aaaaaaaaaaaa', progressDetail: { current: 500, total: 1000 } },
      { status: 'Pushing', id: 'aaaaaaaaaaaa', progressDetail: { current: 1000, total: 1000 } },
      { status: 'Pushed', id: 'aaaaaaaaaaaa' },
      { status: 'Layer already exists', id: 'bbbbbbbbbbbb' },
      { status: 'Mounted from sagemaker-templates/other', id: 'cccccccccccc' },
      { status: 'abc: digest: sha256:1234 size: 529' },
      { aux: { Tag: 'abc', Digest: 'sha256:1234', Size: 529 } },
    ]) {
      progress.feed(event);
    }
    expect(progress.digest).toBe('sha256:1234');
    expect(progress.manifestSize).toBe(529);
    expect(progress.error).toBeUndefined();
    expect(progress.summary()).toEqual({ pushed: 1, existed: 1, mounted: 1, bytesUploaded: 1000 });
    expect(lines).toEqual([
      'The push refers to repository [127.0.0.1:5000/x]',
      'aaaaaaaaaaaa: Pushed',
      'bbbbbbbbbbbb: Layer already exists',
      'cccccccccccc: Mounted from sagemaker-templates/other',
      'abc: digest: sha256:1234 size: 529',
    ]);
  });

  it('keeps the error of the stream', () => {
    const progress = new PushProgress();
    progress.feed({
      errorDetail: { message: 'denied: not authorized to perform: ecr:InitiateLayerUpload' },
      error: 'x',
    });
    expect(progress.error).toBe('denied: not authorized to perform: ecr:InitiateLayerUpload');
  });
});

describe('isTransientPushError', () => {
  it('retries network trouble and 5xx, not refusals', () => {
    for (const message of [
      'Get "http://127.0.0.1:5000/v2/": dial tcp 127.0.0.1:5000: connect: connection refused',
      'Put "https://x/v2/a/blobs/uploads/1": net/http: TLS handshake timeout',
      'received unexpected HTTP status: 503 Service Unavailable',
      'write tcp 127.0.0.1:1->127.0.0.1:2: write: broken pipe',
      'unexpected EOF',
    ]) {
      expect(isTransientPushError(message), message).toBe(true);
    }
    for (const message of [
      'unauthorized: authentication required',
      'denied: User: arn:aws:iam::1:user/x is not authorized to perform: ecr:InitiateLayerUpload',
      'name unknown: The repository with name x does not exist',
      "tag invalid: The image tag '1' already exists in the 'x' repository and cannot be overwritten because the repository is immutable.",
    ]) {
      expect(isTransientPushError(message), message).toBe(false);
    }
  });
});

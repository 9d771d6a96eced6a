/** One piece of container output with the stream it was written to. */
export interface LogFrame {
  stream: 'stdin' | 'stdout' | 'stderr';
  data: Buffer;
}

const STREAMS = ['stdin', 'stdout', 'stderr'] as const;
const HEADER = 8;

/**
 * Splits the engine's multiplexed log/attach stream (8-byte header: stream, 0, 0, 0, big-endian
 * length) into frames, across arbitrary chunk boundaries. Output of a TTY container has no headers:
 * when the first bytes are not a header, everything is passed through as stdout.
 */
export class LogDemuxer {
  private buffer: Buffer = Buffer.alloc(0);
  private raw: boolean | undefined;

  /** Feeds a chunk; returns the frames it completed. */
  push(chunk: Buffer): LogFrame[] {
    if (this.raw) return chunk.length ? [{ stream: 'stdout', data: chunk }] : [];
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    if (this.raw === undefined) {
      if (this.buffer.length < HEADER) return [];
      this.raw = !isHeader(this.buffer);
      if (this.raw) {
        const data = this.buffer;
        this.buffer = Buffer.alloc(0);
        return [{ stream: 'stdout', data }];
      }
    }
    const frames: LogFrame[] = [];
    while (this.buffer.length >= HEADER) {
      const length = this.buffer.readUInt32BE(4);
      if (this.buffer.length < HEADER + length) break;
      frames.push({
        stream: STREAMS[this.buffer[0] ?? 1] ?? 'stdout',
        data: this.buffer.subarray(HEADER, HEADER + length),
      });
      this.buffer = this.buffer.subarray(HEADER + length);
    }
    return frames;
  }

  /** Returns what is left when the stream ends: a short non-header start, or nothing. */
  end(): LogFrame[] {
    const rest = this.buffer;
    this.buffer = Buffer.alloc(0);
    return rest.length && this.raw === undefined ? [{ stream: 'stdout', data: rest }] : [];
  }
}

function isHeader(buffer: Buffer): boolean {
  return (buffer[0] ?? 9) <= 2 && buffer[1] === 0 && buffer[2] === 0 && buffer[3] === 0;
}

/** Demultiplexes a complete log buffer into stdout, stderr and both interleaved in arrival order. */
export function demuxLogs(buffer: Buffer): { stdout: string; stderr: string; combined: string } {
  const demuxer = new LogDemuxer();
  const frames = [...demuxer.push(buffer), ...demuxer.end()];
  const pick = (wanted?: LogFrame['stream']): string =>
    Buffer.concat(
      frames.filter((frame) => !wanted || frame.stream === wanted).map((frame) => frame.data),
    ).toString('utf8');
  return { stdout: pick('stdout'), stderr: pick('stderr'), combined: pick() };
}

/** The last `count` lines of `text`, without a trailing empty line. */
export function lastLines(text: string, count: number): string[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return count > 0 ? lines.slice(-count) : [];
}

/** Indents lines as a quoted block for error messages; says so when there are none. */
export function quoteLines(lines: readonly string[]): string {
  return lines.length ? lines.map((line) => `  | ${line}`).join('\n') : '  (no output)';
}

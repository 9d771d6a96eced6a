import { describe, expect, it } from 'vitest';
import { demuxLogs, lastLines, LogDemuxer, quoteLines } from './log-demux.ts';

function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe('LogDemuxer', () => {
  const stream = Buffer.concat([frame(1, 'out 1\n'), frame(2, 'err 1\n'), frame(1, 'out 2 é\n')]);

  it('splits stdout and stderr in arrival order', () => {
    expect(demuxLogs(stream)).toEqual({
      stdout: 'out 1\nout 2 é\n',
      stderr: 'err 1\n',
      combined: 'out 1\nerr 1\nout 2 é\n',
    });
  });

  it.each([1, 3, 7, 8, 9, 13])(
    'handles chunks of %i bytes cut anywhere, headers and UTF-8 included',
    (size) => {
      const demuxer = new LogDemuxer();
      const frames = [];
      for (let offset = 0; offset < stream.length; offset += size)
        frames.push(...demuxer.push(stream.subarray(offset, offset + size)));
      frames.push(...demuxer.end());
      expect(frames.map((f) => f.stream)).toEqual(['stdout', 'stderr', 'stdout']);
      expect(Buffer.concat(frames.map((f) => f.data)).toString()).toBe('out 1\nerr 1\nout 2 é\n');
    },
  );

  it('passes the output of a TTY container (no headers) through as stdout', () => {
    expect(demuxLogs(Buffer.from('plain tty output\n'))).toEqual({
      stdout: 'plain tty output\n',
      stderr: '',
      combined: 'plain tty output\n',
    });
    expect(demuxLogs(Buffer.from('hi'))).toEqual({ stdout: 'hi', stderr: '', combined: 'hi' });
  });

  it('answers nothing for an empty stream', () => {
    expect(demuxLogs(Buffer.alloc(0)).combined).toBe('');
  });
});

describe('lastLines / quoteLines', () => {
  it('keeps the last lines without the trailing empty one', () => {
    expect(lastLines('a\nb\r\nc\n', 2)).toEqual(['b', 'c']);
    expect(lastLines('a\nb', 5)).toEqual(['a', 'b']);
    expect(lastLines('', 5)).toEqual([]);
    expect(lastLines('a', 0)).toEqual([]);
  });

  it('quotes lines for error messages', () => {
    expect(quoteLines(['x', 'y'])).toBe('  | x\n  | y');
    expect(quoteLines([])).toBe('  (no output)');
  });
});

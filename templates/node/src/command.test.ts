import { describe, expect, it } from 'vitest';
import { parseCommand } from './command.ts';

describe('parseCommand', () => {
  it('accepts train and serve, ignoring extra arguments', () => {
    expect(parseCommand(['train'])).toEqual({ command: 'train' });
    expect(parseCommand(['serve', '--extra'])).toEqual({ command: 'serve' });
  });

  it('explains the usage for anything else', () => {
    expect(parseCommand([])).toEqual({
      error: expect.stringMatching(/^No command given\. Usage: .*<train\|serve>/),
    });
    expect(parseCommand(['Train'])).toEqual({
      error: expect.stringMatching(/^Unknown command "Train"\. Usage:/),
    });
  });
});

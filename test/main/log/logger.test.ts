import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createLogger } from '../../../main/log/logger.js';
import { tempDir } from '../../helpers/temp-dir.js';

describe('logger', () => {
  it('writes JSON lines with no secret in them, whatever key or string carries it', async (t) => {
    const dir = tempDir(t);
    const log = createLogger({ dir, console: false });
    const secret = 'a3f1c0ffee5ecret0123456789abcdef';
    log.addSecret(secret);
    log.info(`starting with ${secret}`, {
      token: 'tok-123456789',
      nested: { Authorization: 'Bearer x' },
      note: `x${secret}y`,
    });
    log.warn('job name', { name: 'evil\n{"level":"error","message":"forged"}' });
    await log.close();
    const text = readFileSync(join(dir, 'spooler.log'), 'utf8');
    assert.ok(!text.includes(secret));
    assert.ok(!text.includes('tok-123456789'));
    assert.ok(!text.includes('Bearer x'));
    const lines = text.trim().split('\n');
    assert.equal(lines.length, 2, 'a newline in a value forged a line');
    const second = JSON.parse(lines[1] as string) as { name: string };
    assert.equal(second.name, 'evil\n{"level":"error","message":"forged"}');
  });
});

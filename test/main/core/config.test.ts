import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../../main/core/config.js';
import { defaultDataDir } from '../../../main/core/platform-paths.js';
import { tempDir } from '../../helpers/temp-dir.js';

describe('spooler settings', () => {
  it('uses the platform data folder of the design by default', () => {
    assert.equal(
      defaultDataDir('win32', { LOCALAPPDATA: 'C:\\Users\\a\\AppData\\Local' }).endsWith('KCP'),
      true,
    );
    assert.equal(defaultDataDir('darwin', {}), '/Users/Shared/Library/Cloud Print and Scan');
    assert.equal(defaultDataDir('linux', { XDG_DATA_HOME: '/x/data' }), '/x/data/cloud-print-and-scan');
    assert.match(defaultDataDir('linux', {}), /\.local\/share\/cloud-print-and-scan$/);
  });

  it('takes flags over environment over the config file over defaults', (t) => {
    const dir = tempDir(t);
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({ controlPort: 7000, maxJobBytes: 5000, logLevel: 'debug' }),
    );
    const c = loadConfig(['--data-dir', dir, '--control-port', '6000'], {
      CPS_CONTROL_PORT: '6500',
      CPS_MAX_JOB_BYTES: '4000',
    });
    assert.equal(c.controlPort, 6000);
    assert.equal(c.maxJobBytes, 4000);
    assert.equal(c.logLevel, 'debug');
    assert.equal(c.hotFolder, join(dir, 'hotfolder'));
    assert.equal(c.retentionDoneHours, 24);
    assert.equal(c.retentionUnprintedDays, 7);
    assert.equal(c.maxJobBytes, 4000);
    assert.equal(loadConfig(['--data-dir', dir, '--hot-folder', 'off'], {}).hotFolder, null);
  });

  it('refuses unusable values with a message that names them', (t) => {
    const dir = tempDir(t);
    assert.throws(
      () => loadConfig(['--data-dir', dir], { CPS_CONTROL_PORT: '99999' }),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.match(e.message, /CPS_CONTROL_PORT/);
        return true;
      },
    );
    writeFileSync(join(dir, 'bad.json'), '{ not json');
    assert.throws(() => loadConfig(['--data-dir', dir, '--config', join(dir, 'bad.json')], {}), ConfigError);
  });
});

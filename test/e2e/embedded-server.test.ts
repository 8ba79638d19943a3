// The product's default (design: `--server-url`, "default the embedded one"): one command runs the spooler
// and the cloud server. The embedded server listens on loopback, keeps its data in <data-dir>/server, shows
// the generated admin password once, and the desktop logs in to it; a taken port is a clear refusal.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { killChild } from '../helpers/control-client.js';
import { callJson as call } from '../helpers/json-call.js';
import { spawnSpooler, startSpoolerProcess } from '../helpers/spooler-process.js';
import type { SpoolerProcess } from '../helpers/spooler-process.js';
import { tempDir } from '../helpers/temp-dir.js';

const EMBEDDED_LINE = /cloud server \(embedded\) listening on (http:\/\/127\.0\.0\.1:\d+)\n/;
const PASSWORD_LINE = /generated admin password \(shown once, change it\): (\S+)/;
const PASSWORD = 'Tenant-Passw0rd!';

/** Starts the spooler with the embedded server (the default; the test helper turns it off otherwise). */
async function startWithEmbedded(dataDir: string): Promise<{ spooler: SpoolerProcess; url: string }> {
  const spooler = await startSpoolerProcess(dataDir, ['--hot-folder', 'off', '--embedded-server-port', '0'], {
    CPS_SERVER_URL: '',
  });
  for (let i = 0; i < 100 && !EMBEDDED_LINE.test(spooler.stdout()); i++) await sleep(50);
  const url = EMBEDDED_LINE.exec(spooler.stdout())?.[1];
  assert.ok(url, spooler.stdout());
  return { spooler, url };
}

describe('the embedded cloud server (the default --server-url)', () => {
  it('starts with the spooler, shows the admin password once, and the desktop logs in to it', async (t) => {
    const dataDir = tempDir(t);
    const first = await startWithEmbedded(dataDir);
    t.after(() => killChild(first.spooler.child, first.spooler.exited));
    const password = PASSWORD_LINE.exec(first.spooler.stdout())?.[1];
    assert.ok(password, 'the generated admin password is shown on the first start');
    assert.ok(existsSync(join(dataDir, 'server')), 'its data lives in <data-dir>/server');

    // The root admin sets up a customer and a user, who logs in on the desktop.
    const admin = await call(`${first.url}/api/v1/auth/login`, 'POST', null, { username: 'admin', password });
    assert.equal(admin.status, 200);
    const rootToken = String(admin.body.token);
    const customer = await call(`${first.url}/api/v1/organizations`, 'POST', rootToken, {
      kind: 'customer',
      name: 'Home office',
    });
    assert.equal(customer.status, 201, JSON.stringify(customer.body));
    const created = await call(
      `${first.url}/api/v1/organizations/${String(customer.body.id)}/admins`,
      'POST',
      rootToken,
      { username: 'me', password: PASSWORD },
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const control = (method: string, path: string, body?: unknown) =>
      call(`http://127.0.0.1:${first.spooler.port}${path}`, method, first.spooler.token, body);
    const login = await control('POST', '/v1/session/login', { username: 'me', password: PASSWORD });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    assert.equal((await control('GET', '/v1/session')).body.loggedIn, true);

    // A restart keeps the server's data; the password is not shown again.
    first.spooler.child.kill('SIGTERM');
    assert.equal(await first.spooler.exited, 0, first.spooler.stderr());
    const second = await startWithEmbedded(dataDir);
    t.after(() => killChild(second.spooler.child, second.spooler.exited));
    assert.doesNotMatch(second.spooler.stdout(), /password/);
    const again = await call(`${second.url}/api/v1/auth/login`, 'POST', null, {
      username: 'me',
      password: PASSWORD,
    });
    assert.equal(again.status, 200);
  });

  it('refuses to start with a clear message when its port is taken', async (t) => {
    const blocker = createServer();
    await new Promise<void>((res) => blocker.listen(0, '127.0.0.1', res));
    t.after(() => new Promise<void>((res) => blocker.close(() => res())));
    const port = (blocker.address() as AddressInfo).port;
    const p = spawnSpooler(
      [
        ...['--data-dir', tempDir(t), '--hot-folder', 'off'],
        ...['--control-port', '0', '--ipp-port', '0', '--mfp-port', '0', '--mfp-host', '127.0.0.1'],
        ...['--embedded-server-port', String(port)],
      ],
      { CPS_SERVER_URL: '' },
    );
    t.after(() => killChild(p.child, p.exited));
    assert.equal(await p.exited, 1);
    assert.match(p.err(), new RegExp(`Port ${port} for the embedded cloud server is already in use`));
    assert.match(p.err(), /--embedded-server-port/);
  });
});

// The MFP simulator against the real parts: the cloud server on a socket, a desktop's MFP job server
// (HTTPS, pinned certificate, server-signed tickets), and ippeveprinter as the printer. The desktop's own
// session is played by the test here (it registers the jobs as the desktop will).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../main/core/config.js';
import { startSpooler } from '../../main/core/spooler.js';
import type { Spooler } from '../../main/core/spooler.js';
import { createLogger } from '../../main/log/logger.js';
import { buildApp } from '../../server-stub/src/app.js';
import { startIppEvePrinter } from '../helpers/ippeveprinter.js';
import type { IppEvePrinter } from '../helpers/ippeveprinter.js';
import { makePdf } from '../helpers/pdf.js';
import { createMfpSimulator, registerMfp } from './mfp-simulator.js';

const ADMIN = { username: 'root-admin', password: 'Root-Passw0rd!' };
const PASSWORD = 'Tenant-Passw0rd!';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('MFP simulator: release to a real printer', () => {
  let dir: string;
  let app: FastifyInstance;
  let serverUrl: string;
  let printer: IppEvePrinter;
  let spooler: Spooler;
  const trust: { current: { keys: string[]; deskId: string; userId: string } | null } = { current: null };

  async function api<T>(method: string, path: string, token: string | null, body?: unknown, extra = {}) {
    const res = await fetch(new URL(path, serverUrl), {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined && !Buffer.isBuffer(body) ? { 'content-type': 'application/json' } : {}),
        ...extra,
      },
      ...(body !== undefined
        ? { body: Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body) }
        : {}),
    });
    const text = await res.text();
    assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  }
  const login = async (username: string, password: string) =>
    (await api<{ token: string }>('POST', '/api/v1/auth/login', null, { username, password })).token;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cps-mfp-sim-'));
    app = await buildApp({
      dataDir: join(dir, 'server'),
      admin: ADMIN,
      argon2: { memoryCost: 8, timeCost: 1, parallelism: 1 },
    });
    serverUrl = await app.listen({ host: '127.0.0.1', port: 0 });
    printer = await startIppEvePrinter(join(dir, 'printer'));
    const config = loadConfig(
      [
        ...[
          '--data-dir',
          join(dir, 'desktop'),
          '--control-port',
          '0',
          '--ipp-port',
          '0',
          '--hot-folder',
          'off',
        ],
        ...['--mfp-port', '0', '--mfp-host', '127.0.0.1'],
      ],
      {},
    );
    spooler = await startSpooler(config, createLogger({ dir: null, console: false }), {
      mfpTrust: () => trust.current,
    });
  });
  after(async () => {
    await spooler?.stop();
    await printer?.stop();
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('releases a local and a cloud job by PIN; the printer gets the exact bytes and the log the pages', async () => {
    // The organization: a customer, its admin, a user with a PIN, an MFP.
    const root = await login(ADMIN.username, ADMIN.password);
    const customer = await api<{ id: string }>('POST', '/api/v1/organizations', root, {
      kind: 'customer',
      name: 'C',
    });
    await api('POST', `/api/v1/organizations/${customer.id}/admins`, root, {
      username: 'admin-c',
      password: PASSWORD,
    });
    const admin = await login('admin-c', PASSWORD);
    const user = await api<{ id: string }>('POST', '/api/v1/users', admin, {
      username: 'user1',
      password: PASSWORD,
      role: 'customer_user',
    });
    const userToken = await login('user1', PASSWORD);
    await api('PUT', '/api/v1/me/pin', userToken, { pin: '4711' });
    const mfp = await registerMfp(serverUrl, admin, {
      serialNumber: 'SN-1',
      hostName: 'mfp-1',
      ipAddress: '127.0.0.1',
    });

    // The desktop: registered by the user, trusting the server's ticket key, holding a local job of the user.
    const desktop = await api<{ token: string; device: { id: string } }>(
      'POST',
      '/api/v1/devices/desktop',
      userToken,
      {
        hostName: 'pc-1',
      },
    );
    const keys = await api<{ keys: { publicKey: string }[] }>('GET', '/api/v1/tickets/keys', userToken);
    trust.current = { keys: keys.keys.map((k) => k.publicKey), deskId: desktop.device.id, userId: user.id };
    const localPdf = await makePdf(3, { title: 'local' });
    const draft = await spooler.store.createDraft(Number.MAX_SAFE_INTEGER);
    await pipeline(Readable.from([localPdf]), draft.stream);
    const local = await spooler.store.commit(draft, {
      name: 'local.pdf',
      owner: 'user1',
      pages: 3,
      state: 'ready',
      ownerId: user.id,
    });
    const deskHeaders = { 'cps-device': desktop.token };
    const options = {
      copies: 1,
      sides: 'two-sided-long-edge',
      colorMode: 'monochrome',
      media: 'iso_a4_210x297mm',
    };
    await api(
      'POST',
      '/api/v1/jobs',
      userToken,
      {
        clientJobId: local.id,
        spool: 'local',
        name: 'local.pdf',
        pages: 3,
        size: localPdf.length,
        sha256: sha256(localPdf),
        options,
        location: `https://127.0.0.1:${spooler.mfp.port}`,
        certSha256: spooler.mfp.certSha256 ?? undefined,
      },
      deskHeaders,
    );
    // A cloud job of two pages, uploaded.
    const cloudPdf = await makePdf(2, { title: 'cloud' });
    const cloud = await api<{ id: string }>(
      'POST',
      '/api/v1/jobs',
      userToken,
      {
        clientJobId: 'f'.repeat(32),
        spool: 'cloud',
        name: 'cloud.pdf',
        pages: 2,
        size: cloudPdf.length,
        sha256: sha256(cloudPdf),
        options: { ...options, sides: 'one-sided', colorMode: 'color' },
      },
      deskHeaders,
    );
    await api('PUT', `/api/v1/jobs/${cloud.id}/document`, userToken, cloudPdf, {
      ...deskHeaders,
      'content-type': 'application/pdf',
    });

    // At the MFP: a wrong PIN is refused; the right one releases both jobs to the printer.
    const sim = createMfpSimulator({ serverUrl, deviceToken: mfp.token, printerUri: printer.uri });
    assert.equal((await sim.tryLogin({ method: 'pin', username: 'user1', pin: '0000' })).status, 401);
    const session = await sim.login({ method: 'pin', username: 'user1', pin: '4711' });
    const released = await sim.releaseAll(session);
    assert.deepEqual(released.map((r) => [r.name, r.spool, r.pages]).sort(), [
      ['cloud.pdf', 'cloud', 2],
      ['local.pdf', 'local', 3],
    ]);
    assert.equal(sha256(await printer.document('local.pdf')), sha256(localPdf));
    assert.equal(sha256(await printer.document('cloud.pdf')), sha256(cloudPdf));
    assert.deepEqual(await sim.listJobs(session), []);
    await sim.logout(session);

    // The user's log shows 5 pages (2 colour, 3 duplex); the customer admin's device report too.
    const log = await api<{ totals: Record<string, number> }>('GET', '/api/v1/me/log', userToken);
    assert.deepEqual(log.totals, {
      jobs: 2,
      pages: 5,
      colorPages: 2,
      monoPages: 3,
      duplexPages: 3,
      sheets: 4,
    });
    const report = await api<{ rows: { label: string; pages: number }[] }>(
      'GET',
      '/api/v1/reports/usage?by=device',
      admin,
    );
    assert.deepEqual(
      report.rows.map((r) => [r.label, r.pages]),
      [['mfp-1', 5]],
    );
  });
});

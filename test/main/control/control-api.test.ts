import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { PUBLIC_ROUTES } from '../../../main/control/public-routes.js';
import { send } from '../../helpers/http.js';
import { makePdf, sha256 } from '../../helpers/pdf.js';
import { startTestSpooler } from './spooler-fixture.js';

const spoolFiles = (dataDir: string) => readdirSync(join(dataDir, 'spool')).sort();
const A_VALID_ID = '0123456789abcdef0123456789abcdef';

describe('control API: who may ask', () => {
  it('answers /v1/health without the secret', async (t) => {
    const s = await startTestSpooler(t);
    const res = await send({ port: s.port, path: '/v1/health' });
    assert.equal(res.status, 200);
    const body = res.json<{ status: string; version: string; ports: Record<string, number> }>();
    assert.equal(body.status, 'ok');
    assert.equal(body.ports.control, s.port);
    assert.match(body.version, /^\d+\.\d+\.\d+/);
  });

  it('refuses every registered route without the secret unless it is on the checked-in allow-list', async (t) => {
    const s = await startTestSpooler(t);
    assert.ok(s.controlRoutes.length >= 7, `only ${s.controlRoutes.length} routes registered`);
    for (const route of s.controlRoutes) {
      const [method, url] = route.split(' ') as [string, string];
      const path = url.replace(':id', A_VALID_ID);
      const res = await send({ port: s.port, method, path, body: method === 'POST' ? 'x' : undefined });
      if (PUBLIC_ROUTES.includes(route)) assert.equal(res.status, 200, route);
      else {
        assert.equal(res.status, 401, route);
        assert.equal(res.json().error, 'unauthorized');
        assert.equal(res.headers['www-authenticate'], 'Bearer');
      }
    }
    const bad = await send({ port: s.port, path: '/v1/jobs', token: 'f'.repeat(64) });
    assert.equal(bad.status, 401);
  });

  it('answers 421 to any Host but 127.0.0.1 or localhost on its own port, with no side effect', async (t) => {
    const s = await startTestSpooler(t);
    const pdf = await makePdf(1);
    const hosts: Array<string | null> = [
      'evil.test',
      `evil.test:${s.port}`,
      '127.0.0.1.nip.io',
      `127.0.0.1.nip.io:${s.port}`,
      `localhost.:${s.port}`,
      `127.0.0.1:${s.port + 1}`,
      `[::1]:${s.port}`,
      '127.0.0.1',
      'localhost',
      '',
      null,
    ];
    for (const host of hosts) {
      const get = await send({ port: s.port, path: '/v1/jobs', host, token: s.controlToken });
      assert.equal(get.status, 421, `GET with Host ${String(host)}`);
      const post = await send({
        port: s.port,
        method: 'POST',
        path: '/v1/jobs',
        host,
        token: s.controlToken,
        body: pdf,
      });
      assert.equal(post.status, 421, `POST with Host ${String(host)}`);
      assert.equal(post.json().error, 'misdirected-request');
    }
    assert.equal(s.store.size, 0);
    assert.deepEqual(spoolFiles(s.dataDir), []);
    for (const host of [`127.0.0.1:${s.port}`, `localhost:${s.port}`, `LOCALHOST:${s.port}`]) {
      assert.equal(
        (await send({ port: s.port, path: '/v1/jobs', host, token: s.controlToken })).status,
        200,
        host,
      );
    }
  });

  it('answers 403 to a browser Origin that is not allowed, and to Origin: null', async (t) => {
    const s = await startTestSpooler(t, ['--allowed-origins', 'app://cps']);
    for (const origin of ['https://evil.test', 'null', `http://127.0.0.1:${s.port + 1}`, 'app://cps.evil']) {
      const res = await send({ port: s.port, path: '/v1/jobs', token: s.controlToken, headers: { origin } });
      assert.equal(res.status, 403, origin);
      assert.equal(res.json().error, 'forbidden-origin');
      assert.equal(res.headers['access-control-allow-origin'], undefined);
    }
    const ok = await send({
      port: s.port,
      path: '/v1/jobs',
      token: s.controlToken,
      headers: { origin: 'app://cps' },
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers['access-control-allow-origin'], undefined);
  });

  it('changes nothing for a cross-site form post without the bearer', async (t) => {
    const s = await startTestSpooler(t);
    const res = await send({
      port: s.port,
      method: 'POST',
      path: '/v1/jobs?name=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=%25PDF-1.4',
    });
    assert.equal(res.status, 401);
    assert.equal(s.store.size, 0);
    assert.deepEqual(spoolFiles(s.dataDir), []);
  });

  it('refuses the secret of the previous start', async (t) => {
    const first = await startTestSpooler(t);
    const old = first.controlToken;
    const dataDir = first.dataDir;
    await first.stop();
    const second = await startTestSpooler(t, [], dataDir);
    assert.notEqual(second.controlToken, old);
    assert.equal((await send({ port: second.port, path: '/v1/jobs', token: old })).status, 401);
    assert.equal(
      (await send({ port: second.port, path: '/v1/jobs', token: second.controlToken })).status,
      200,
    );
    assert.equal(statSync(join(dataDir, 'control-token')).mode & 0o777, 0o600);
  });
});

describe('control API: jobs', () => {
  it('takes a PDF upload, lists it, serves the same bytes back and deletes it', async (t) => {
    const s = await startTestSpooler(t);
    const pdf = await makePdf(3, { padBytes: 20_000 });
    const created = await send({
      port: s.port,
      method: 'POST',
      path: `/v1/jobs?name=${encodeURIComponent('Quarterly "report" <draft>\n%s')}`,
      token: s.controlToken,
      headers: { 'content-type': 'application/pdf' },
      body: pdf,
    });
    assert.equal(created.status, 201, created.body.toString());
    const job = created.json<{
      id: string;
      pages: number;
      sha256: string;
      size: number;
      name: string;
      state: string;
    }>();
    assert.equal(job.pages, 3);
    assert.equal(job.size, pdf.length);
    assert.equal(job.sha256, sha256(pdf));
    assert.equal(job.name, 'Quarterly "report" <draft>\n%s');
    assert.equal(job.state, 'held');
    assert.deepEqual(Object.keys(job).sort(), [
      'createdAt',
      'format',
      'id',
      'name',
      'options',
      'owner',
      'pages',
      'sha256',
      'size',
      'spool',
      'state',
    ]);
    const list = await send({ port: s.port, path: '/v1/jobs', token: s.controlToken });
    assert.deepEqual(
      list.json<{ jobs: Array<{ id: string }>; next: null }>().jobs.map((j) => j.id),
      [job.id],
    );
    const one = await send({ port: s.port, path: `/v1/jobs/${job.id}`, token: s.controlToken });
    assert.equal(one.json().id, job.id);
    const doc = await send({ port: s.port, path: `/v1/jobs/${job.id}/document`, token: s.controlToken });
    assert.equal(doc.status, 200);
    assert.equal(doc.headers['content-type'], 'application/pdf');
    assert.equal(sha256(doc.body), sha256(pdf));
    const disposition = doc.headers['content-disposition'] ?? '';
    assert.ok(!/[\r\n]/.test(disposition));
    assert.match(
      disposition,
      /^attachment; filename="Quarterly _report_ <draft>__s\.pdf"; filename\*=UTF-8''/,
    );
    const del = await send({
      port: s.port,
      method: 'DELETE',
      path: `/v1/jobs/${job.id}`,
      token: s.controlToken,
    });
    assert.equal(del.status, 204);
    assert.equal(
      (await send({ port: s.port, path: `/v1/jobs/${job.id}`, token: s.controlToken })).status,
      404,
    );
    assert.equal(
      (await send({ port: s.port, method: 'DELETE', path: `/v1/jobs/${job.id}`, token: s.controlToken }))
        .status,
      404,
    );
    assert.deepEqual(spoolFiles(s.dataDir), []);
  });

  it('refuses a document that is not a PDF with 415 and leaves nothing behind', async (t) => {
    const s = await startTestSpooler(t);
    for (const body of [
      Buffer.from('hello, plain text'),
      Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]),
      Buffer.alloc(0),
    ]) {
      const res = await send({ port: s.port, method: 'POST', path: '/v1/jobs', token: s.controlToken, body });
      assert.equal(res.status, 415, res.body.toString());
      assert.equal(res.json().error, 'not-pdf');
    }
    const typed = await send({
      port: s.port,
      method: 'POST',
      path: '/v1/jobs',
      token: s.controlToken,
      headers: { 'content-type': 'text/html' },
      body: await makePdf(1),
    });
    assert.equal(typed.status, 415);
    assert.deepEqual(spoolFiles(s.dataDir), []);
  });

  it('refuses a corrupt PDF with 422 and a reason, and leaves nothing behind', async (t) => {
    const s = await startTestSpooler(t);
    const res = await send({
      port: s.port,
      method: 'POST',
      path: '/v1/jobs',
      token: s.controlToken,
      body: Buffer.from('%PDF-1.7\n this is not really a pdf at all\n%%EOF\n'),
    });
    assert.equal(res.status, 422);
    assert.equal(res.json().error, 'bad-pdf');
    assert.ok(String(res.json().message).length > 10);
    assert.deepEqual(spoolFiles(s.dataDir), []);
  });

  it('refuses a body over the size limit with 413, declared or streamed, and leaves nothing behind', async (t) => {
    const s = await startTestSpooler(t, ['--max-job-bytes', '100000']);
    const big = await makePdf(1, { padBytes: 200_000 });
    const declared = await send({
      port: s.port,
      method: 'POST',
      path: '/v1/jobs',
      token: s.controlToken,
      body: big,
    });
    assert.equal(declared.status, 413);
    assert.equal(declared.json().error, 'too-large');
    // Chunked: no Content-Length, so the limit is found while streaming.
    const streamed = await send({
      port: s.port,
      method: 'POST',
      path: '/v1/jobs',
      token: s.controlToken,
      body: Readable.from([big.subarray(0, 50_000), big.subarray(50_000)]),
    });
    assert.equal(streamed.status, 413);
    assert.deepEqual(spoolFiles(s.dataDir), []);
    const small = await send({
      port: s.port,
      method: 'POST',
      path: '/v1/jobs',
      token: s.controlToken,
      body: await makePdf(1),
    });
    assert.equal(small.status, 201);
  });

  it('validates ids, limits and cursors', async (t) => {
    const s = await startTestSpooler(t);
    const cases: Array<[string, string, number]> = [
      ['GET', '/v1/jobs/abc', 400],
      ['GET', `/v1/jobs/${A_VALID_ID}`, 404],
      ['GET', `/v1/jobs/${A_VALID_ID}/document`, 404],
      ['DELETE', `/v1/jobs/${A_VALID_ID.toUpperCase()}`, 400],
      ['GET', '/v1/jobs?limit=0', 400],
      ['GET', '/v1/jobs?limit=5001', 400],
      ['GET', '/v1/jobs?limit=5000', 200],
      ['GET', '/v1/jobs?cursor=../x', 400],
      ['GET', '/v1/jobs?other=1', 400],
      ['GET', '/v1/nothing', 404],
    ];
    for (const [method, path, status] of cases) {
      const res = await send({ port: s.port, method, path, token: s.controlToken });
      assert.equal(res.status, status, `${method} ${path}`);
      if (status !== 200) assert.equal(typeof res.json().message, 'string');
    }
  });

  it('pages through jobs newest first', async (t) => {
    const s = await startTestSpooler(t);
    const pdf = await makePdf(1);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(
        (
          await send({ port: s.port, method: 'POST', path: '/v1/jobs', token: s.controlToken, body: pdf })
        ).json<{
          id: string;
        }>().id,
      );
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const path: string = `/v1/jobs?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await send({ port: s.port, path, token: s.controlToken })).json<{
        jobs: Array<{ id: string }>;
        next: string | null;
      }>();
      seen.push(...page.jobs.map((j) => j.id));
      cursor = page.next;
    } while (cursor);
    assert.deepEqual(seen, [...ids].reverse());
  });

  it('changes no state on GET', async (t) => {
    const s = await startTestSpooler(t);
    await send({
      port: s.port,
      method: 'POST',
      path: '/v1/jobs',
      token: s.controlToken,
      body: await makePdf(1),
    });
    const before = JSON.stringify(s.store.list(100));
    const id = s.store.list(1).jobs[0]?.id as string;
    for (const path of ['/v1/jobs', `/v1/jobs/${id}`, `/v1/jobs/${id}/document`, '/v1/health']) {
      await send({ port: s.port, path, token: s.controlToken });
    }
    assert.equal(JSON.stringify(s.store.list(100)), before);
  });

  it('announces added and removed jobs on the events stream', async (t) => {
    const s = await startTestSpooler(t);
    const events: string[] = [];
    let buffer = '';
    const req = request({
      host: '127.0.0.1',
      port: s.port,
      path: '/v1/events',
      headers: { authorization: `Bearer ${s.controlToken}` },
    });
    const opened = new Promise<void>((resolve) =>
      req.on('response', (res) => {
        assert.equal(res.statusCode, 200);
        assert.match(String(res.headers['content-type']), /^text\/event-stream/);
        res.on('data', (c: Buffer) => {
          buffer += c.toString();
          for (const m of buffer.matchAll(/event: (\S+)\ndata: (.*)\n\n/g)) events.push(`${m[1]} ${m[2]}`);
          buffer = buffer.replace(/[\s\S]*\n\n/, '');
        });
        resolve();
      }),
    );
    req.end();
    await opened;
    const job = (
      await send({
        port: s.port,
        method: 'POST',
        path: '/v1/jobs',
        token: s.controlToken,
        body: await makePdf(2),
      })
    ).json<{ id: string }>();
    await s.store.setState(job.id, 'ready');
    await send({ port: s.port, method: 'DELETE', path: `/v1/jobs/${job.id}`, token: s.controlToken });
    for (let i = 0; i < 50 && events.length < 3; i++) await new Promise((r) => setTimeout(r, 20));
    req.destroy();
    assert.equal(events.length, 3, events.join('\n'));
    assert.match(events[0] as string, new RegExp(`^job-added \\{"id":"${job.id}"`));
    assert.match(events[1] as string, /^job-changed .*"state":"ready"/);
    assert.equal(events[2], `job-removed {"id":"${job.id}"}`);
  });
});

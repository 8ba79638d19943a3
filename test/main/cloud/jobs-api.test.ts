// The desktop's job calls against the real cloud server (server-stub's buildApp on 127.0.0.1), and against a
// bare node:http server where what goes over the wire (Content-Length or chunked) is the question.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { createCloudHttpClient } from '../../../main/cloud/http-client.js';
import { createJobsApi, JobsApiError, UPLOAD_READ_BYTES } from '../../../main/cloud/jobs-api.js';
import type { JobsApiAuth } from '../../../main/cloud/jobs-api.js';
import { createSessionApi } from '../../../main/session/session-api.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { PASSWORD, settle, startCloud } from '../session/session-fixture.js';

const OPTIONS = { copies: 1, sides: 'one-sided', colorMode: 'auto', media: 'iso_a4_210x297mm' };
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A PDF-ish document of a few read pieces and a bit, written to a temp file. */
function documentFile(t: TestContext): { path: string; bytes: Buffer } {
  const bytes = Buffer.concat([
    Buffer.from('%PDF-1.7\n'),
    randomBytes(UPLOAD_READ_BYTES * 2 + 777),
    Buffer.from('\n%%EOF\n'),
  ]);
  const path = join(tempDir(t, 'cps-upload-'), 'doc.pdf');
  writeFileSync(path, bytes);
  return { path, bytes };
}

/** The cloud server, user-a logged in on a registered desktop, and the job calls. */
async function desktopAtCloud(t: TestContext) {
  const cloud = await startCloud(t);
  const http = createCloudHttpClient({ baseUrl: cloud.url, proxy: async () => ({ mode: 'none' }) });
  t.after(() => http.close());
  const session = createSessionApi(http, cloud.url);
  const { token } = await session.login('user-a', PASSWORD);
  const device = await session.registerDesktop(token, 'desk-test');
  const auth: JobsApiAuth = { token, deviceToken: device.token };
  return { cloud, http, auth, api: createJobsApi(http, cloud.url) };
}

const cloudJob = (bytes: Buffer, size = bytes.length) => ({
  clientJobId: randomBytes(16).toString('hex'),
  spool: 'cloud' as const,
  name: 'doc.pdf',
  pages: 1,
  size,
  sha256: sha256(bytes),
  options: OPTIONS,
});

describe('jobs API upload', () => {
  it('uploads an open spool file whole and leaves the handle open to its owner', async (t) => {
    const { cloud, auth, api } = await desktopAtCloud(t);
    const doc = documentFile(t);
    const job = await api.register(auth, cloudJob(doc.bytes));
    const handle = await open(doc.path, 'r');
    t.after(() => handle.close());
    const stored = await api.upload(auth, job.id, { handle, size: doc.bytes.length });
    assert.equal(stored.state, 'ready');
    assert.deepEqual(readFileSync(join(cloud.dataDir, 'blobs', `${job.id}.pdf`)), doc.bytes);
    // Still the caller's: a second upload from it is answered from what the server holds.
    assert.equal((await handle.stat()).size, doc.bytes.length);
    assert.equal((await api.upload(auth, job.id, { handle, size: doc.bytes.length })).state, 'ready');
  });

  it('fails a file shorter than its size as worth another try, and the server keeps nothing', async (t) => {
    const { cloud, http, auth, api } = await desktopAtCloud(t);
    const doc = documentFile(t);
    const size = doc.bytes.length + 100;
    const job = await api.register(auth, cloudJob(doc.bytes, size));
    const handle = await open(doc.path, 'r');
    t.after(() => handle.close());
    await assert.rejects(
      api.upload(auth, job.id, { handle, size }),
      (err: unknown) => err instanceof JobsApiError && err.kind === 'transient',
    );
    const blobs = join(cloud.dataDir, 'blobs');
    await settle(() => readdirSync(blobs).length === 0, 'the temp file to go');
    const res = await cloud.app.inject({
      url: `/api/v1/jobs/${job.id}`,
      headers: { authorization: `Bearer ${auth.token}` },
    });
    assert.equal((res.json() as { state: string }).state, 'awaiting_upload');
    // Before the server: after the failed request undici opens a fresh connection, and the server's close
    // waits for a connection that never sent a request until its headers timeout (60 s).
    await http.close();
  });

  it('sends a file with its Content-Length and a stream chunked, every byte either way', async (t) => {
    const seen: Array<{ headers: IncomingHttpHeaders; sha256: string }> = [];
    const server = createServer((req, res) => {
      const hash = createHash('sha256');
      req.on('data', (c: Buffer) => hash.update(c));
      req.on('end', () => {
        seen.push({ headers: req.headers, sha256: hash.digest('hex') });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ id: 'j', clientJobId: 'c', desktopId: 'd', spool: 'cloud', state: 'ready' }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise((resolve) => server.close(resolve)));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const http = createCloudHttpClient({ baseUrl: url, proxy: async () => ({ mode: 'none' }) });
    t.after(() => http.close());
    const api = createJobsApi(http, url);
    const auth = { token: 'session', deviceToken: 'device' };
    const doc = documentFile(t);
    const handle = await open(doc.path, 'r');
    t.after(() => handle.close());

    await api.upload(auth, 'j', { handle, size: doc.bytes.length });
    await api.upload(auth, 'j', handle.createReadStream({ start: 0, autoClose: false }));
    assert.equal(seen.length, 2);
    assert.equal(seen[0]?.headers['content-length'], String(doc.bytes.length));
    assert.equal(seen[0]?.headers['transfer-encoding'], undefined);
    assert.equal(seen[1]?.headers['transfer-encoding'], 'chunked');
    for (const s of seen) {
      assert.equal(s.sha256, sha256(doc.bytes));
      assert.equal(s.headers['content-type'], 'application/pdf');
      assert.equal(s.headers['cps-device'], 'device');
    }
  });
});

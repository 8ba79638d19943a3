// Document transfers through two reused buffers (main/mfp-server/document-stream.ts): byte-exact across buffer
// boundaries, nothing left open when an MFP cancels mid-document, and a document that shrinks on disk cuts
// the connection rather than sending fewer bytes than the Content-Length promised.
import assert from 'node:assert/strict';
import { readdirSync, readlinkSync, truncateSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createServer } from 'node:http';
import { connect as netConnect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { connect } from 'node:tls';
import {
  DOCUMENT_CHUNK_BYTES,
  DocumentShrankError,
  sendFileRange,
} from '../../../main/mfp-server/document-stream.js';
import { mfpRequest } from '../../helpers/mfp-client.js';
import { makePdf, sha256, writeBigPdf } from '../../helpers/pdf.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { startMfpSpooler } from './mfp-fixture.js';
import type { MfpSpooler } from './mfp-fixture.js';

/** How many descriptors this process (the spooler runs in it) holds on `file`. */
function openCount(file: string): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === file) n++;
    } catch {
      // closed meanwhile
    }
  }
  return n;
}

/** Waits (bounded) until `check` holds; the bound only keeps a hang from running forever. */
async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(check(), what);
}

/** A raw HTTPS GET of `path` that goes away after `cutAfter` bytes; resolves with the bytes received. */
function cutGet(s: MfpSpooler, path: string, cutAfter: number): Promise<number> {
  return new Promise((resolve) => {
    let received = 0;
    const socket = connect({ port: s.port, host: '127.0.0.1', rejectUnauthorized: false }, () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\n` +
          `Authorization: Bearer ${s.ticket()}\r\n\r\n`,
      );
    });
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received >= cutAfter) socket.destroy();
    });
    socket.on('error', () => undefined); // a cut ends in 'close' all the same
    socket.on('close', () => resolve(received));
  });
}

describe('MFP document transfers', () => {
  it('sends whole documents and ranges byte-exact across the buffer boundaries', async (t) => {
    const s = await startMfpSpooler(t);
    const pdf = await makePdf(1, { padBytes: 3 * DOCUMENT_CHUNK_BYTES + 12_345 });
    const job = await s.addJob(pdf);
    const path = `/v1/jobs/${job.id}/document`;
    const get = (headers: Record<string, string> = {}) =>
      mfpRequest({ port: s.port, pin: s.pin, path, ticket: s.ticket(), headers });
    assert.equal((await get()).sha256, sha256(pdf), 'the whole document');
    const ranges: Array<[number, number]> = [
      [0, DOCUMENT_CHUNK_BYTES - 1],
      [0, DOCUMENT_CHUNK_BYTES],
      [DOCUMENT_CHUNK_BYTES - 1, 2 * DOCUMENT_CHUNK_BYTES + 1],
      [100, pdf.length - 2],
    ];
    for (const [start, end] of ranges) {
      const res = await get({ range: `bytes=${start}-${end}` });
      assert.equal(res.status, 206);
      assert.ok(res.body.equals(pdf.subarray(start, end + 1)), `bytes ${start}-${end}`);
    }
  });

  it('closes the file when an MFP cancels mid-document, and the next MFP gets every byte', async (t) => {
    const s = await startMfpSpooler(t);
    const file = join(tempDir(t), 'big.pdf');
    const bigSha = await writeBigPdf(file, 8 * 1024 * 1024);
    const job = await s.addJob(file);
    const spooled = join(s.dataDir, 'spool', `${job.id}.pdf`);
    const path = `/v1/jobs/${job.id}/document`;
    // Cut right after the headers, inside the first buffer, and a few buffers in.
    for (const at of [1, 1000, DOCUMENT_CHUNK_BYTES + 1, 3 * DOCUMENT_CHUNK_BYTES]) {
      const got = await cutGet(s, path, at);
      assert.ok(got < job.size, `cut after ${at} bytes`);
    }
    await eventually(() => openCount(spooled) === 0, 'no descriptor left on the document');
    const res = await mfpRequest({ port: s.port, pin: s.pin, path, ticket: s.ticket(), discardBody: true });
    assert.equal(res.status, 200);
    assert.equal(res.sha256, bigSha);
    await eventually(() => openCount(spooled) === 0, 'closed after a whole transfer too');
  });

  it('fails the transfer, never ends it short, when the document shrinks on disk meanwhile', async (t) => {
    const file = join(tempDir(t), 'big.pdf');
    await writeBigPdf(file, 32 * 1024 * 1024);
    const handle = await open(file, 'r');
    t.after(() => handle.close());
    const { size } = await handle.stat();
    let outcome: Promise<unknown> = Promise.resolve('no request');
    const server = createServer((_req, res) => {
      res.setHeader('content-length', size);
      outcome = sendFileRange(handle, res, 0, size - 1).then(
        () => 'ended',
        (err: unknown) => {
          res.destroy();
          return err;
        },
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    t.after(() => new Promise((r) => server.close(r)));
    const { port } = server.address() as AddressInfo;
    // The client stops reading, so the server stops a few buffers in; then the file loses its tail.
    const got = await new Promise<number>((resolve) => {
      let received = 0;
      const socket = netConnect(port, '127.0.0.1', () => socket.write(`GET / HTTP/1.1\r\nHost: x\r\n\r\n`));
      socket.once('data', () => {
        socket.pause();
        setTimeout(() => {
          truncateSync(file, 2 * DOCUMENT_CHUNK_BYTES);
          socket.resume();
        }, 200);
      });
      socket.on('data', (chunk: Buffer) => (received += chunk.length));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(received));
    });
    assert.ok(
      (await outcome) instanceof DocumentShrankError,
      `the transfer failed: ${String(await outcome)}`,
    );
    assert.ok(got < size, `the connection was cut after ${got} of ${size} bytes`);
  });
});

import assert from 'node:assert/strict';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PrinterError, printJob } from '../../../main/devices/ipp-client.js';
import { startIppEvePrinter } from '../../helpers/ippeveprinter.js';
import type { IppEvePrinter } from '../../helpers/ippeveprinter.js';
import { makePdf, sha256, writeBigPdf } from '../../helpers/pdf.js';

describe('Print-Job client (main/devices) against ippeveprinter', () => {
  let printer: IppEvePrinter;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cps-ipp-client-'));
    printer = await startIppEvePrinter(join(dir, 'printer'));
  });
  after(async () => {
    await printer?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints a PDF over ipp:// and the printer keeps exactly those bytes', async () => {
    const pdf = await makePdf(3);
    const result = await printJob({
      printerUri: printer.uri,
      document: () => pdf,
      jobName: 'three-pages',
      userName: 'user1',
      sides: 'two-sided-long-edge',
    });
    assert.equal(result.statusName.startsWith('successful-ok'), true, JSON.stringify(result));
    assert.ok(result.jobId !== null && result.jobId > 0);
    assert.equal(sha256(await printer.document('three-pages')), sha256(pdf));
  });

  it('streams a large document over ipps:// with the certificate pinned', async () => {
    const path = join(dir, 'big.pdf');
    const written = await writeBigPdf(path, 40 * 1024 * 1024);
    const result = await printJob({
      printerUri: printer.ippsUri,
      document: () => createReadStream(path),
      jobName: 'big',
      userName: 'user1',
      pinnedCertSha256: await printer.certSha256(),
    });
    assert.equal(result.statusName.startsWith('successful-ok'), true, JSON.stringify(result));
    assert.equal(sha256(await printer.document('big')), written);
  });

  it('refuses a printer whose certificate is not the pinned one, and says why', async () => {
    const pdf = await makePdf(1);
    await assert.rejects(
      printJob({
        printerUri: printer.ippsUri,
        document: () => pdf,
        jobName: 'pinned-wrong',
        userName: 'user1',
        pinnedCertSha256: 'f'.repeat(64),
      }),
      (err: unknown) => err instanceof PrinterError && /not the pinned one/.test(err.message),
    );
    assert.equal(printer.kept().has('pinned-wrong'), false);
  });

  it('gives a clear error for an unreachable printer and for another scheme', async () => {
    const pdf = await makePdf(1);
    await assert.rejects(
      printJob({
        printerUri: 'ipp://127.0.0.1:1/ipp/print',
        document: () => pdf,
        jobName: 'x',
        userName: 'u',
      }),
      PrinterError,
    );
    await assert.rejects(
      printJob({ printerUri: 'http://127.0.0.1:1/', document: () => pdf, jobName: 'x', userName: 'u' }),
      /only ipp:\/\/ and ipps:\/\//,
    );
  });
});

import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { PdfError, inspectPdf, type PdfInfo } from '../../../main/pdf/inspect.js';
import { classicPdf, createTempDir, pdfLibDocument, qpdf } from './pdf-samples.js';

const dir = createTempDir();
after(() => dir.remove());
const file = dir.file('fuzz.pdf');

/** Longest one inspection of a small file may take before it counts as a hang. */
const HANG_MS = 5000;

interface Seed {
  name: string;
  bytes: Buffer;
  pages: number;
}

const seeds: Seed[] = [];
before(async () => {
  const pdfLib = await pdfLibDocument(2);
  seeds.push(
    { name: 'hand-written classic', bytes: classicPdf({ pages: 2 }), pages: 2 },
    { name: 'pdf-lib object streams', bytes: pdfLib, pages: 2 },
    { name: 'pdf-lib classic', bytes: await pdfLibDocument(2, { useObjectStreams: false }), pages: 2 },
    { name: 'qpdf predictor xref stream', bytes: qpdf(pdfLib, ['--object-streams=generate']), pages: 2 },
    {
      name: 'qpdf AES-128 encrypted',
      bytes: qpdf(pdfLib, ['--encrypt', '', 'owner', '128', '--use-aes=y', '--']),
      pages: 2,
    },
    {
      name: 'qpdf AES-256 encrypted',
      bytes: qpdf(pdfLib, ['--encrypt', '', 'owner', '256', '--']),
      pages: 2,
    },
    {
      name: 'qpdf RC4 encrypted',
      bytes: qpdf(pdfLib, ['--allow-weak-crypto', '--encrypt', '', 'owner', '128', '--']),
      pages: 2,
    },
  );
});

/** Inspects `bytes` and returns what came out, failing on a hang or on anything but PdfInfo or PdfError. */
async function inspectOutcome(bytes: Buffer): Promise<PdfInfo | PdfError> {
  await writeFile(file, bytes);
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`inspection took longer than ${HANG_MS} ms`)), HANG_MS);
  });
  try {
    const info = await Promise.race([inspectPdf(file), hang]);
    assert.ok(Number.isSafeInteger(info.pages) && info.pages >= 1, `bad page count ${info.pages}`);
    assert.match(info.version, /^\d+\.\d+$/);
    return info;
  } catch (error) {
    assert.ok(
      error instanceof PdfError,
      `expected only PdfError, got ${String((error as Error).stack ?? error)}`,
    );
    // inspectPdf wraps unexpected exceptions as `damaged` with the original as cause: that would be a bug here.
    assert.ok(
      !(error.cause instanceof Error),
      `a bug surfaced as PdfError: ${String((error.cause as Error | undefined)?.stack)}`,
    );
    return error;
  } finally {
    clearTimeout(timer);
  }
}

const STRUCTURAL = [...'0123456789 \n\r<>[]()/%RobjendstreamxrefTrailer'].map((c) => c.charCodeAt(0));

type Edit =
  | { kind: 'set'; at: number; byte: number }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'insert'; at: number; bytes: number[] };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({
    kind: fc.constant('set' as const),
    at: fc.nat(),
    byte: fc.oneof(fc.nat({ max: 255 }), fc.constantFrom(...STRUCTURAL)),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 16 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.array(fc.constantFrom(...STRUCTURAL), { minLength: 1, maxLength: 8 }),
  }),
);

function applyEdits(original: Buffer, edits: Edit[]): Buffer {
  let bytes = Buffer.from(original);
  for (const e of edits) {
    const at = e.at % (bytes.length + 1);
    if (e.kind === 'set' && at < bytes.length) bytes[at] = e.byte;
    else if (e.kind === 'delete')
      bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + e.length)]);
    else if (e.kind === 'insert')
      bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(e.bytes), bytes.subarray(at)]);
  }
  return bytes;
}

describe('inspectPdf under fuzzing', { timeout: 300_000 }, () => {
  it('returns a PdfInfo or throws a PdfError for thousands of mutated small PDFs, each promptly', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: seeds.length - 1 }),
        fc.array(edit, { minLength: 1, maxLength: 6 }),
        async (which, edits) => {
          await inspectOutcome(applyEdits(seeds[which]!.bytes, edits));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('gives the right count or a PdfError when a small PDF is cut at every offset', async () => {
    for (const seed of seeds) {
      for (let keep = 0; keep <= seed.bytes.length; keep++) {
        const result = await inspectOutcome(seed.bytes.subarray(0, keep));
        if (!(result instanceof PdfError))
          assert.equal(result.pages, seed.pages, `${seed.name} cut at ${keep}`);
      }
    }
  });
});

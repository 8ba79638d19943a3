// The requests the server fuzz test sends: messages generated with the codec's fast-check arbitraries
// (steered so most get past the version and operation checks) and fuzzipp-style mutations (CUPS
// cups/fuzzipp.c) of the codec's Print-Job seed with a small PDF. Run as a script, it writes them to a
// file, so that the test process does not carry the generators' garbage into its memory readings:
//   node --import tsx fuzz-requests.ts <printer-uri> <seed> <count> <out-file>
import { mutate } from '../../helpers/fuzzipp.js';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { attr, charsetAndLanguage, encode, Operation } from '../../../main/ipp/index.js';
import type { IppAttribute, IppMessage } from '../../../main/ipp/index.js';
import { message as messageArbitrary } from '../ipp/ipp-arbitraries.js';
import { printJobSeed } from '../ipp/print-job-seed.js';
import { tinyPdf } from './documents.js';

/** mulberry32: small and seedable; a failure names its seed. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The codec's Print-Job seed, addressed to this printer, with a PDF document format. */
export function printerSeed(uri: string): IppMessage {
  const seed = printJobSeed();
  const operation = seed.groups[0];
  assert.ok(operation);
  operation.attributes = operation.attributes.map((a) =>
    a.name === 'printer-uri'
      ? attr('printer-uri', 'uri', uri)
      : a.name === 'job-password'
        ? attr('job-password', 'octetString', 'x')
        : a,
  );
  return seed;
}

const OPERATIONS = [
  'Print-Job',
  'Validate-Job',
  'Create-Job',
  'Send-Document',
  'Cancel-Job',
  'Get-Job-Attributes',
  'Get-Jobs',
  'Get-Printer-Attributes',
  'Hold-Job',
] as const;

/** Operation attributes the handlers read, with values of the right and the wrong kind. */
const usefulAttribute: fc.Arbitrary<IppAttribute> = fc.oneof(
  fc.constantFrom(
    attr('document-format', 'mimeMediaType', 'application/pdf'),
    attr('document-format', 'mimeMediaType', 'image/jpeg'),
    attr('document-format', 'mimeMediaType', 'image/urf'),
    attr('compression', 'keyword', 'gzip'),
    attr('compression', 'keyword', 'deflate'),
    attr('last-document', 'boolean', true),
    attr('last-document', 'boolean', false),
    attr('my-jobs', 'boolean', true),
    attr('which-jobs', 'keyword', 'all'),
    attr('requested-attributes', 'keyword', 'all'),
    attr('ipp-attribute-fidelity', 'boolean', true),
    attr('job-name', 'keyword', 'wrong syntax'),
    attr('limit', 'enum', 3),
  ),
  fc.integer({ min: -2, max: 40 }).map((n) => attr('job-id', 'integer', n)),
  fc.integer({ min: -2, max: 40 }).map((n) => attr('limit', 'integer', n)),
  fc.string({ maxLength: 40 }).map((s) => attr('requesting-user-name', 'nameWithoutLanguage', s)),
  fc.string({ maxLength: 40 }).map((s) => attr('job-name', 'nameWithoutLanguage', s)),
);

/** `count` generated messages, most steered into requests this printer reads far into. */
export function generatedRequests(uri: string, count: number, seed: number): Buffer[] {
  const pdf = tinyPdf();
  const arbitrary = fc.record({
    base: messageArbitrary,
    steer: fc.nat(3),
    op: fc.constantFrom(...OPERATIONS),
    version: fc.constantFrom({ major: 1, minor: 1 }, { major: 2, minor: 0 }, { major: 2, minor: 2 }),
    useful: fc.array(usefulAttribute, { maxLength: 4 }),
    document: fc.oneof(
      fc.constant(Buffer.alloc(0)),
      fc.constant(pdf),
      fc.uint8Array({ maxLength: 2048 }).map((b) => Buffer.from(b)),
    ),
  });
  return fc
    .sample(arbitrary, { numRuns: count, seed })
    .map(({ base, steer, op, version, useful, document }) => {
      let message = base;
      if (steer > 0) {
        const [first, ...rest] = base.groups;
        message = {
          version,
          operationIdOrStatus: Operation[op],
          requestId: base.requestId & 0x7fffffff || 1,
          groups: [
            {
              tag: 0x01,
              attributes: [
                ...charsetAndLanguage('en'),
                attr('printer-uri', 'uri', uri),
                ...useful,
                ...(first?.attributes ?? []),
              ],
            },
            ...rest,
          ],
        };
      }
      return Buffer.concat([encode(message), document]);
    });
}

/** `count` requests, generated and mutated ones alternating, all from `seed`. */
export function fuzzRequests(uri: string, seed: number, count: number): Buffer[] {
  const half = Math.ceil(count / 2);
  const generated = generatedRequests(uri, half, seed);
  const next = random(seed);
  const seedWire = Buffer.concat([encode(printerSeed(uri)), tinyPdf()]);
  const out: Buffer[] = [];
  let accumulated: Buffer = seedWire;
  for (let i = 0; i < half; i++) {
    // A third fuzzipp's way (mutations piling up on one buffer, restarted every 48), the rest a few
    // fresh mutations of the seed, which reach deeper into the server.
    if (i % 48 === 0) accumulated = seedWire;
    const mutated =
      i % 3 === 0
        ? (accumulated = mutate(accumulated, next, 16, { truncate: true }))
        : mutate(seedWire, next, 4, { truncate: true });
    out.push(generated[i] as Buffer, mutated);
  }
  return out.slice(0, count);
}

/** Requests as one buffer: each a 4-byte big-endian length, then its bytes. */
export function packRequests(requests: readonly Buffer[]): Buffer {
  return Buffer.concat(
    requests.flatMap((r) => {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(r.length);
      return [length, r];
    }),
  );
}

/** The requests of packRequests(), as views into `packed`. */
export function unpackRequests(packed: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < packed.length;) {
    const length = packed.readUInt32BE(at);
    out.push(packed.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return out;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [uri, seed, count, out] = process.argv.slice(2);
  assert.ok(uri && seed && count && out, 'usage: fuzz-requests.ts <printer-uri> <seed> <count> <out-file>');
  writeFileSync(out, packRequests(fuzzRequests(uri, Number(seed), Number(count))));
}

// A fuzzipp-style mutator (CUPS cups/fuzzipp.c): random byte replacements, swaps, insertions and
// deletions on a Print-Job seed, plus truncation at every offset. Whatever the input, decoding
// yields a message or an IppParseError, nothing else, and memory does not grow with the run.
import { mutate } from '../../helpers/fuzzipp.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decode, decodeStream, encode, IppParseError, ValueTag } from '../../../main/ipp/index.js';
import { printJobSeed, seedTags } from './print-job-seed.js';
import { chunkedSource, collectGarbage } from './stream-helpers.js';

const FUZZ_SEED = Number(process.env.IPP_FUZZ_SEED ?? 0x5eed1e55);

/** mulberry32: small, seedable, good enough to pick offsets; a failure names its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Decodes, and checks the only two allowed outcomes; returns the error code or 'ok'. */
function outcome(input: Buffer): string {
  try {
    const message = decode(input);
    // What decodes must re-encode, and decode again to the same message (fuzzipp writes it back).
    assert.deepEqual(decode(encode(message)), message);
    return 'ok';
  } catch (error) {
    if (!(error instanceof IppParseError)) {
      assert.fail(`not an IppParseError for input ${input.toString('hex')}: ${String(error)}`);
    }
    assert.ok(error.offset >= 0 && error.offset <= input.length, `offset ${error.offset} outside the input`);
    assert.ok(
      error.status >= 0x0400 && error.status < 0x0500,
      'a parse error suggests a client-error status',
    );
    return error.code;
  }
}

describe('IPP decoder under fuzzing', () => {
  const seed = encode(printJobSeed());

  it('starts from a seed that carries every value tag, out-of-band and opaque ones included', () => {
    const tags = seedTags(printJobSeed());
    for (const tag of Object.values(ValueTag)) {
      if (tag === ValueTag.endCollection || tag === ValueTag.memberAttrName || tag === ValueTag.extension)
        continue;
      assert.ok(tags.has(tag), `the seed lacks tag 0x${tag.toString(16)}`);
    }
    assert.ok(tags.has(0x5f), 'the seed carries an opaque tag');
  });

  it(
    'returns a message or an IppParseError for 12,000 mutated inputs, with bounded heap',
    { timeout: 120_000 },
    (t) => {
      const next = random(FUZZ_SEED);
      const counts = new Map<string, number>();
      collectGarbage();
      const heapBefore = process.memoryUsage().heapUsed;
      let accumulated = seed;
      for (let i = 0; i < 12_000; i++) {
        // A third fuzzipp's way (32 mutations a round, piling up on one buffer, restarted every 16
        // rounds); the rest a few fresh mutations of the seed, which reach deeper into the parser.
        if (i % 48 === 0) accumulated = seed;
        const input = i % 3 === 0 ? (accumulated = mutate(accumulated, next, 32)) : mutate(seed, next, 4);
        const code = outcome(input);
        counts.set(code, (counts.get(code) ?? 0) + 1);
      }
      collectGarbage();
      const growth = process.memoryUsage().heapUsed - heapBefore;
      t.diagnostic(`seed ${FUZZ_SEED}: ${JSON.stringify(Object.fromEntries(counts))}`);
      t.diagnostic(`heap growth ${(growth / 1024 / 1024).toFixed(2)} MiB`);
      assert.ok(growth < 8 * 1024 * 1024, `heap grew by ${growth} bytes`);
      // The mutations must reach deep into the parser, not die at the header.
      assert.ok(counts.size >= 10, `only ${counts.size} distinct outcomes`);
    },
  );

  it(
    'gives the same outcome streaming as in one piece for 600 mutated inputs in random chunks',
    { timeout: 120_000 },
    async () => {
      const next = random(FUZZ_SEED ^ 0xa5a5a5a5);
      for (let i = 0; i < 600; i++) {
        const input = mutate(seed, next, 4);
        const sizes = Array.from({ length: 4 }, () => 1 + Math.floor(next() * 40));
        const expected = outcome(input);
        try {
          const decoded = await decodeStream(chunkedSource(input, sizes));
          decoded.body.resume();
          assert.equal('ok', expected, `streaming accepted what decode() refused (${expected})`);
          assert.deepEqual(decoded.message, decode(input));
        } catch (error) {
          if (!(error instanceof IppParseError)) throw error;
          assert.equal(error.code, expected, `input ${input.toString('hex')}`);
        }
      }
    },
  );

  it('reports truncation, and nothing else, when the seed stops at any offset', async () => {
    for (let end = 0; end < seed.length; end++) {
      const input = seed.subarray(0, end);
      assert.throws(
        () => decode(input),
        (error: unknown) =>
          error instanceof IppParseError && error.code === 'truncated' && error.offset <= end,
        `prefix of ${end} bytes`,
      );
      await assert.rejects(
        decodeStream(chunkedSource(Buffer.from(input), [1 + (end % 7)])),
        (error: unknown) => error instanceof IppParseError && error.code === 'truncated',
        `streamed prefix of ${end} bytes`,
      );
    }
    assert.deepEqual(decode(seed), printJobSeed());
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decode, decodeStream, decodeWithBody, encode, GroupTag, ValueTag } from '../../../main/ipp/index.js';
import type { IppAttribute } from '../../../main/ipp/index.js';
import { message, OPAQUE_TAGS } from './ipp-arbitraries.js';
import { chunkedSource, collect } from './stream-helpers.js';

describe('IPP round trip', () => {
  it('generates messages that cover every tag, every group, 1setOf and nested collections', () => {
    const tags = new Set<number>();
    const groups = new Set<number>();
    let deepest = 0;
    let multiValued = 0;
    const visit = (attributes: IppAttribute[], depth: number): void => {
      deepest = Math.max(deepest, depth);
      for (const a of attributes) {
        if (a.values.length > 1) multiValued += 1;
        for (const v of a.values) {
          tags.add(v.tag);
          if (v.tag === ValueTag.begCollection) visit(v.value, depth + 1);
        }
      }
    };
    for (const m of fc.sample(message, { numRuns: 2_000, seed: 1 })) {
      for (const g of m.groups) {
        groups.add(g.tag);
        visit(g.attributes, 0);
      }
    }
    const structural: number[] = [ValueTag.endCollection, ValueTag.memberAttrName, ValueTag.extension];
    for (const tag of Object.values(ValueTag)) {
      if (!structural.includes(tag)) assert.ok(tags.has(tag), `no value with tag 0x${tag.toString(16)}`);
    }
    assert.ok(OPAQUE_TAGS.filter((t) => tags.has(t)).length > 100, 'opaque tags are covered');
    assert.deepEqual(
      [...groups].sort((a, b) => a - b),
      Object.values(GroupTag).sort((a, b) => a - b),
    );
    assert.ok(deepest >= 3, `collections nest ${deepest} deep at most`);
    assert.ok(multiValued > 1_000);
  });

  it('decodes what it encodes, for every value tag, 1setOf, nested collections and every group', () => {
    fc.assert(
      fc.property(message, (m) => {
        assert.deepEqual(decode(encode(m)), m);
      }),
      { numRuns: 1_000 },
    );
  });

  it('encodes a decoded message back to the same bytes', () => {
    fc.assert(
      fc.property(message, (m) => {
        const bytes = encode(m);
        assert.deepEqual(encode(decode(bytes)), bytes);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps every byte after end-of-attributes-tag as the document, invalid UTF-8 included', () => {
    fc.assert(
      fc.property(message, fc.uint8Array({ maxLength: 512 }), (m, document) => {
        const decoded = decodeWithBody(Buffer.concat([encode(m), document, Buffer.from([0xc3, 0x28, 0xff])]));
        assert.deepEqual(decoded.message, m);
        assert.deepEqual(decoded.body, Buffer.concat([document, Buffer.from([0xc3, 0x28, 0xff])]));
      }),
      { numRuns: 200 },
    );
  });

  it('streams to the same message as the sync decoder, whatever the chunk sizes, and the exact body', async () => {
    const chunkSizes = fc.oneof(
      fc.constant([1]),
      fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 16 }),
      fc.array(fc.integer({ min: 1, max: 4096 }), { minLength: 1, maxLength: 4 }),
    );
    const binaryBody = fc
      .uint8Array({ maxLength: 2048 })
      .map((b) => Buffer.concat([b, Buffer.from([0x80, 0xfe])]));
    await fc.assert(
      fc.asyncProperty(message, binaryBody, chunkSizes, async (m, document, sizes) => {
        const wire = Buffer.concat([encode(m), document]);
        const decoded = await decodeStream(chunkedSource(wire, sizes));
        assert.deepEqual(decoded.message, decode(wire));
        assert.equal(decoded.sectionLength, wire.length - document.length);
        assert.deepEqual(await collect(decoded.body), document);
      }),
      { numRuns: 150 },
    );
  });

  it('ends the document stream at once when nothing follows the attributes', async () => {
    const wire = encode({
      version: { major: 2, minor: 0 },
      operationIdOrStatus: 11,
      requestId: 7,
      groups: [],
    });
    const decoded = await decodeStream(chunkedSource(wire, [1]));
    assert.deepEqual(await collect(decoded.body), Buffer.alloc(0));
  });
});

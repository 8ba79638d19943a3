import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecoveredObjects } from '../../../main/pdf/recovered-objects.js';

describe('RecoveredObjects', () => {
  it('locates the definition latest in the file when an object is defined twice', async () => {
    const objects = new RecoveredObjects();
    objects.add(5, 900);
    objects.add(5, 100);
    objects.add(2, 50);
    objects.seal();
    assert.deepEqual(await objects.locate(5), { type: 'offset', offset: 900, gen: 0 });
    assert.deepEqual(await objects.locate(2), { type: 'offset', offset: 50, gen: 0 });
    assert.equal(await objects.locate(3), undefined);
  });

  it('lets an object in a later object stream override an earlier direct one', async () => {
    const objects = new RecoveredObjects();
    objects.add(7, 10);
    objects.add(7, 500, 12, 3);
    objects.seal();
    assert.deepEqual(await objects.locate(7), {
      type: 'compressed',
      stream: 12,
      index: 3,
      streamOffset: 500,
    });
  });

  it('grows past its first capacity', async () => {
    const objects = new RecoveredObjects();
    for (let i = 0; i < 5000; i++) objects.add(i, i * 10);
    objects.seal();
    assert.equal(objects.size, 5000);
    assert.deepEqual(await objects.locate(4321), { type: 'offset', offset: 43210, gen: 0 });
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createKeyedMutex } from '../../../server-stub/src/services/keyed-mutex.js';

describe('keyed mutex', () => {
  it('runs work for one key one at a time, in order, even when a task fails', async () => {
    const mutex = createKeyedMutex();
    let running = 0;
    let maxRunning = 0;
    const order: number[] = [];
    const task = (i: number) => async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await sleep(2);
      order.push(i);
      running--;
      if (i === 1) throw new Error('boom');
      return i;
    };
    const results = await Promise.allSettled([0, 1, 2, 3].map((i) => mutex.run('k', task(i))));
    assert.equal(maxRunning, 1);
    assert.deepEqual(order, [0, 1, 2, 3]);
    assert.equal(results[1]?.status, 'rejected');
    assert.deepEqual(results[3], { status: 'fulfilled', value: 3 });
  });

  it('runs work for different keys at the same time', async () => {
    const mutex = createKeyedMutex();
    let running = 0;
    let maxRunning = 0;
    const task = async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await sleep(5);
      running--;
    };
    await Promise.all([mutex.run('a', task), mutex.run('b', task)]);
    assert.equal(maxRunning, 2);
  });
});

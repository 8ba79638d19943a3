// A byte mutator after CUPS's cups/fuzzipp.c fuzzdata(), shared by the codec and server fuzz tests.

/**
 * Up to `maxRounds` mutations as fuzzipp's fuzzdata() does (replaced and swapped runs), plus insertions and
 * deletions; with `truncate`, one input in ten is also cut at a random length.
 */
export function mutate(
  input: Buffer,
  next: () => number,
  maxRounds: number,
  options: { truncate?: boolean } = {},
): Buffer {
  let data = Buffer.from(input);
  const pick = (n: number) => Math.floor(next() * n);
  const rounds = 1 + pick(maxRounds);
  for (let i = 0; i < rounds && data.length > 8; i++) {
    const len = 1 + pick(8);
    const pos = pick(Math.max(1, data.length - len));
    switch (pick(4)) {
      case 0: // replace bytes
        for (let j = 0; j < len; j++) data[pos + j] = pick(256);
        break;
      case 1: {
        // swap two runs
        const other = pick(Math.max(1, data.length - len));
        const temp = Buffer.from(data.subarray(pos, pos + len));
        data.copy(data, pos, other, other + len);
        temp.copy(data, other);
        break;
      }
      case 2: // insert random bytes
        data = Buffer.concat([
          data.subarray(0, pos),
          Buffer.from(Array.from({ length: len }, () => pick(256))),
          data.subarray(pos),
        ]);
        break;
      default: // delete bytes
        data = Buffer.concat([data.subarray(0, pos), data.subarray(pos + len)]);
    }
  }
  if (options.truncate && pick(10) === 0) data = data.subarray(0, pick(data.length + 1));
  return data;
}

import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import type { StreamDecryptor } from './object-resolver.js';
import { damaged } from './pdf-error.js';
import { PdfString, isDict, nameOf, type PdfDict, type PdfValue } from './pdf-value.js';
import { rc4 } from './rc4.js';

// The standard security handler (PDF 32000-1 section 7.6.3, ISO 32000-2 section 7.6.4) opened with the
// empty user password, which is how most "protected" PDFs are shipped: they open without a prompt but
// carry permissions. Any other password means the stream data stays unreadable.

type Method = 'none' | 'rc4' | 'aes-128' | 'aes-256';

/** Padding string of Algorithm 2, step a. */
const PAD = Buffer.from('28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a', 'hex');

/** A decryptor for the file's streams if the empty user password opens it, else null. */
export function openWithEmptyPassword(encrypt: PdfDict, id: PdfValue | undefined): StreamDecryptor | null {
  if (nameOf(encrypt.get('Filter')) !== 'Standard') return null;
  const v = numberOf(encrypt.get('V'), 0);
  const r = numberOf(encrypt.get('R'), 0);
  const method = streamMethod(encrypt, v);
  if (method === undefined) return null;
  if (method === 'none') return { decryptStream: (_num, _gen, data) => data };
  const key = r >= 5 ? revision6Key(encrypt, r) : revision4Key(encrypt, v, r, firstId(id));
  // AES-128 needs a 16-byte object key, which only a file key of 11 bytes or more yields (Algorithm 1).
  if (
    key === null ||
    (method === 'aes-128' && key.length < 11) ||
    (method === 'aes-256' && key.length !== 32)
  ) {
    return null;
  }
  return {
    decryptStream(num, gen, data) {
      if (method === 'aes-256') return aesDecrypt('aes-256-cbc', key, data);
      const salt = method === 'aes-128' ? Buffer.from('sAlT', 'latin1') : Buffer.alloc(0);
      const objectId = Buffer.from([
        num & 0xff,
        (num >> 8) & 0xff,
        (num >> 16) & 0xff,
        gen & 0xff,
        (gen >> 8) & 0xff,
      ]);
      // Algorithm 1: a key per object.
      const objectKey = md5(key, objectId, salt).subarray(0, Math.min(key.length + 5, 16));
      return method === 'rc4' ? rc4(objectKey, data) : aesDecrypt('aes-128-cbc', objectKey, data);
    },
  };
}

function numberOf(value: PdfValue | undefined, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}

function bytesOf(value: PdfValue | undefined): Buffer {
  return value instanceof PdfString ? value.bytes : Buffer.alloc(0);
}

function firstId(id: PdfValue | undefined): Buffer {
  return Array.isArray(id) ? bytesOf(id[0]) : Buffer.alloc(0);
}

function streamMethod(encrypt: PdfDict, v: number): Method | undefined {
  if (v === 1 || v === 2) return 'rc4';
  if (v !== 4 && v !== 5) return undefined;
  // Crypt filters (section 7.6.5): /StmF names the one for streams; Identity means not encrypted.
  const filterName = nameOf(encrypt.get('StmF')) ?? 'Identity';
  if (filterName === 'Identity') return 'none';
  const filters = encrypt.get('CF');
  const filter = isDict(filters) ? filters.get(filterName) : undefined;
  const cfm = isDict(filter) ? nameOf(filter.get('CFM')) : undefined;
  if (cfm === 'None') return 'none';
  if (cfm === 'V2') return 'rc4';
  if (cfm === 'AESV2') return 'aes-128';
  if (cfm === 'AESV3') return 'aes-256';
  return undefined;
}

function md5(...parts: Buffer[]): Buffer {
  const hash = createHash('md5');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/** Algorithm 2 (file key) checked by Algorithm 4 or 5 (user password), for revisions 2 to 4. */
function revision4Key(encrypt: PdfDict, v: number, r: number, id: Buffer): Buffer | null {
  // /Length is in bits; version 4 files imply 128 when it is missing.
  const length = v === 1 ? 5 : numberOf(encrypt.get('Length'), v === 4 ? 128 : 40) / 8;
  if (!Number.isInteger(length) || length < 5 || length > 16) return null;
  const o = bytesOf(encrypt.get('O')).subarray(0, 32);
  const u = bytesOf(encrypt.get('U'));
  const p = Buffer.alloc(4);
  p.writeInt32LE(numberOf(encrypt.get('P'), 0) | 0);
  const skipMetadata =
    r >= 4 && encrypt.get('EncryptMetadata') === false
      ? Buffer.from([0xff, 0xff, 0xff, 0xff])
      : Buffer.alloc(0);
  let hash = md5(PAD, o, p, id, skipMetadata);
  if (r >= 3) for (let i = 0; i < 50; i++) hash = md5(hash.subarray(0, length));
  const key = hash.subarray(0, length);

  if (r === 2) return rc4(key, PAD).equals(u.subarray(0, 32)) ? key : null;
  let check = rc4(key, md5(PAD, id));
  for (let i = 1; i <= 19; i++) check = rc4(Buffer.from(key.map((b) => b ^ i)), check);
  return check.equals(u.subarray(0, 16)) ? key : null;
}

/** Algorithm 2.A for revisions 5 and 6: checks the empty password against /U and unwraps /UE. */
function revision6Key(encrypt: PdfDict, r: number): Buffer | null {
  const u = bytesOf(encrypt.get('U'));
  const ue = bytesOf(encrypt.get('UE'));
  if (u.length < 48 || ue.length < 32) return null;
  const hash = (salt: Buffer): Buffer =>
    r === 5 ? createHash('sha256').update(salt).digest() : hardenedHash(salt);
  if (!hash(u.subarray(32, 40)).equals(u.subarray(0, 32))) return null;
  const decipher = createDecipheriv('aes-256-cbc', hash(u.subarray(40, 48)), Buffer.alloc(16));
  decipher.setAutoPadding(false);
  return Buffer.concat([decipher.update(ue.subarray(0, 32)), decipher.final()]);
}

/** Algorithm 2.B (ISO 32000-2) for the empty password and no owner data. */
function hardenedHash(salt: Buffer): Buffer {
  let k = createHash('sha256').update(salt).digest();
  let e = Buffer.alloc(0);
  let round = 0;
  while (round < 64 || e.at(-1)! > round - 32) {
    const k1 = Buffer.concat(Array.from({ length: 64 }, () => k));
    const cipher = createCipheriv('aes-128-cbc', k.subarray(0, 16), k.subarray(16, 32));
    cipher.setAutoPadding(false);
    e = Buffer.concat([cipher.update(k1), cipher.final()]);
    // The first 16 bytes of E as a big-endian number, modulo 3, equal their byte sum modulo 3 (256 = 1 mod 3).
    let sum = 0;
    for (let i = 0; i < 16; i++) sum += e[i]!;
    k = createHash(['sha256', 'sha384', 'sha512'][sum % 3]!)
      .update(e)
      .digest();
    round++;
  }
  return k.subarray(0, 32);
}

function aesDecrypt(algorithm: 'aes-128-cbc' | 'aes-256-cbc', key: Buffer, data: Buffer): Buffer {
  // The first block is the initialisation vector (section 7.6.2); what follows is whole padded blocks.
  if (data.length < 32 || data.length % 16 !== 0)
    throw damaged('an encrypted stream has a length AES cannot have');
  const decipher = createDecipheriv(algorithm, key, data.subarray(0, 16));
  decipher.setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(data.subarray(16)), decipher.final()]);
  const pad = plain.at(-1)!;
  return pad >= 1 && pad <= 16 ? plain.subarray(0, plain.length - pad) : plain;
}

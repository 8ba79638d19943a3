// The dateTime syntax: RFC 2579 DateAndTime, 11 octets on the wire (RFC 8010 §3.9).
import type { IppDateTime } from './message.js';

/** Octets of an encoded dateTime. */
export const DATE_TIME_LENGTH = 11;

/** The first field out of range, or undefined when the value is a valid DateAndTime. */
export function invalidDateTimeField(value: IppDateTime): keyof IppDateTime | undefined {
  // RFC 2579 caps the UTC offset at 13 hours; +14 exists (Line Islands), so accept it.
  const ranges: ReadonlyArray<[keyof IppDateTime, number, number]> = [
    ['year', 0, 0xffff],
    ['month', 1, 12],
    ['day', 1, 31],
    ['hours', 0, 23],
    ['minutes', 0, 59],
    ['seconds', 0, 60],
    ['deciSeconds', 0, 9],
    ['utcHours', 0, 14],
    ['utcMinutes', 0, 59],
  ];
  for (const [field, low, high] of ranges) {
    const n = value[field];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < low || n > high) return field;
  }
  if (value.utcDirection !== '+' && value.utcDirection !== '-') return 'utcDirection';
  return undefined;
}

/** Reads 11 octets into a dateTime; returns undefined when a field is out of range. */
export function readDateTime(bytes: Buffer, at: number): IppDateTime | undefined {
  const direction = bytes[at + 8];
  const value: IppDateTime = {
    year: bytes.readUInt16BE(at),
    month: bytes[at + 2] ?? 0,
    day: bytes[at + 3] ?? 0,
    hours: bytes[at + 4] ?? 0,
    minutes: bytes[at + 5] ?? 0,
    seconds: bytes[at + 6] ?? 0,
    deciSeconds: bytes[at + 7] ?? 0,
    utcDirection: direction === 0x2b ? '+' : '-',
    utcHours: bytes[at + 9] ?? 0,
    utcMinutes: bytes[at + 10] ?? 0,
  };
  if (direction !== 0x2b && direction !== 0x2d) return undefined;
  return invalidDateTimeField(value) === undefined ? value : undefined;
}

/** Writes a valid dateTime as 11 octets at `at`. */
export function writeDateTime(value: IppDateTime, target: Buffer, at: number): void {
  target.writeUInt16BE(value.year, at);
  target[at + 2] = value.month;
  target[at + 3] = value.day;
  target[at + 4] = value.hours;
  target[at + 5] = value.minutes;
  target[at + 6] = value.seconds;
  target[at + 7] = value.deciSeconds;
  target[at + 8] = value.utcDirection === '+' ? 0x2b : 0x2d;
  target[at + 9] = value.utcHours;
  target[at + 10] = value.utcMinutes;
}

/** A dateTime for a JS Date, in UTC or at a fixed offset from it (minutes east of UTC). */
export function dateTimeFromDate(date: Date, utcOffsetMinutes = 0): IppDateTime {
  const local = new Date(date.getTime() + utcOffsetMinutes * 60_000);
  const offset = Math.abs(utcOffsetMinutes);
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hours: local.getUTCHours(),
    minutes: local.getUTCMinutes(),
    seconds: local.getUTCSeconds(),
    deciSeconds: Math.floor(local.getUTCMilliseconds() / 100),
    utcDirection: utcOffsetMinutes < 0 ? '-' : '+',
    utcHours: Math.floor(offset / 60),
    utcMinutes: offset % 60,
  };
}

/** The instant a dateTime names, as a JS Date. */
export function dateTimeToDate(value: IppDateTime): Date {
  const sign = value.utcDirection === '-' ? -1 : 1;
  const offsetMs = sign * (value.utcHours * 60 + value.utcMinutes) * 60_000;
  // Not Date.UTC: it maps years 0-99 to 1900-1999.
  const utc = new Date(0);
  utc.setUTCFullYear(value.year, value.month - 1, value.day);
  utc.setUTCHours(value.hours, value.minutes, value.seconds, value.deciSeconds * 100);
  return new Date(utc.getTime() - offsetMs);
}

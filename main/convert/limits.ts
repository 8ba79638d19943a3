import { ConversionError } from './errors.js';

/** Upper bounds on what one document may ask of the converter; exceeding any is a 'too-large' error. */
export interface ConversionLimits {
  /** Widest image or raster page accepted, in pixels. */
  maxWidthPx: number;
  /** Tallest image or raster page accepted, in pixels. */
  maxHeightPx: number;
  /** Longest uncompressed raster line, in bytes; the decoder holds one such line. */
  maxBytesPerLine: number;
  /** Most pages in one document. */
  maxPages: number;
  /** Most bytes read from the input stream. */
  maxInputBytes: number;
  /**
   * Most uncompressed raster bytes over the whole document. A few bytes of PackBits can describe a
   * page of gigabytes, so this bounds the work a small hostile upload can cause.
   */
  maxDecodedBytes: number;
}

/**
 * Defaults sized for real print jobs: 1200 dpi A3 is 14031 x 19843 pixels and 2400 dpi A4 is
 * 19843 x 28063, so 32000 x 64000 leaves room; 256 KiB per line covers 32000 pixels of 16-bit CMYK.
 */
export const DEFAULT_CONVERSION_LIMITS: Readonly<ConversionLimits> = Object.freeze({
  maxWidthPx: 32_000,
  maxHeightPx: 64_000,
  maxBytesPerLine: 256 * 1024,
  maxPages: 10_000,
  maxInputBytes: 2 * 1024 ** 3,
  maxDecodedBytes: 64 * 1024 ** 3,
});

/** Fills in defaults for the limits a caller left out and rejects values that are not positive integers. */
export function resolveLimits(limits: Partial<ConversionLimits> = {}): ConversionLimits {
  const resolved: ConversionLimits = { ...DEFAULT_CONVERSION_LIMITS };
  for (const key of Object.keys(DEFAULT_CONVERSION_LIMITS) as Array<keyof ConversionLimits>) {
    const value = limits[key];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new RangeError(`Conversion limit ${key} must be a positive integer, got ${String(value)}.`);
    }
    resolved[key] = value;
  }
  return resolved;
}

/** Rejects a page whose pixel dimensions are beyond the limits, naming the page for the user. */
export function checkDimensions(
  limits: ConversionLimits,
  what: string,
  widthPx: number,
  heightPx: number,
): void {
  if (widthPx > limits.maxWidthPx || heightPx > limits.maxHeightPx) {
    throw new ConversionError(
      'too-large',
      `${what} is ${widthPx} x ${heightPx} pixels; the limit is ${limits.maxWidthPx} x ${limits.maxHeightPx}. ` +
        'Print it at a lower resolution or a smaller paper size.',
    );
  }
}

/** Renders a byte count the way a user reads it (MiB and GiB, one decimal). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${bytes} bytes`;
}

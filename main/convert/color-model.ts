import type { PdfColorSpace } from './pdf-writer.js';

/** How one raster colour space is shown in PDF. */
export interface ColorModel {
  /** The name users see in messages, as PWG 5102.4 spells it. */
  name: string;
  colorSpace: PdfColorSpace;
  components: number;
  /** Byte value of white: 0xff where values measure light, 0x00 where they measure ink. */
  whiteByte: 0x00 | 0xff;
  /** Black ink (0 = no ink) is DeviceGray upside down, so it needs /Decode [1 0]. */
  inverted: boolean;
}

/**
 * The colour spaces both raster formats can carry that PDF can show without colour management.
 * sGray, sRGB and Adobe RGB become the device spaces, as pdf-lib and ipptransform also do; the small
 * Adobe RGB gamut shift is accepted rather than embedding an ICC profile.
 */
export const COLOR_MODELS = {
  gray: { name: 'gray', colorSpace: 'DeviceGray', components: 1, whiteByte: 0xff, inverted: false },
  sgray: { name: 'sgray', colorSpace: 'DeviceGray', components: 1, whiteByte: 0xff, inverted: false },
  black: { name: 'black', colorSpace: 'DeviceGray', components: 1, whiteByte: 0x00, inverted: true },
  rgb: { name: 'rgb', colorSpace: 'DeviceRGB', components: 3, whiteByte: 0xff, inverted: false },
  srgb: { name: 'srgb', colorSpace: 'DeviceRGB', components: 3, whiteByte: 0xff, inverted: false },
  adobeRgb: { name: 'adobe-rgb', colorSpace: 'DeviceRGB', components: 3, whiteByte: 0xff, inverted: false },
  cmyk: { name: 'cmyk', colorSpace: 'DeviceCMYK', components: 4, whiteByte: 0x00, inverted: false },
} as const satisfies Record<string, ColorModel>;

/** The /Decode array that inverts every component, or null when the samples are used as they are. */
export function decodeArray(model: ColorModel): number[] | null {
  return model.inverted ? Array.from({ length: model.components }, () => [1, 0]).flat() : null;
}

// The media the virtual printer offers (PWG 5101.1 self-describing names), with sizes in hundredths of a
// millimetre as "media-size" wants them. The document is stored as the application made it; these only
// tell the OS print system which page sizes to lay out for.

/** One media size. */
export interface MediaSize {
  keyword: string;
  width: number; // "x-dimension", 1/100 mm
  height: number; // "y-dimension", 1/100 mm
}

/** Every media size offered, A4 first. */
export const MEDIA_SIZES: readonly MediaSize[] = [
  { keyword: 'iso_a4_210x297mm', width: 21000, height: 29700 },
  { keyword: 'na_letter_8.5x11in', width: 21590, height: 27940 },
  { keyword: 'na_legal_8.5x14in', width: 21590, height: 35560 },
  { keyword: 'iso_a3_297x420mm', width: 29700, height: 42000 },
  { keyword: 'iso_a5_148x210mm', width: 14800, height: 21000 },
  { keyword: 'na_executive_7.25x10.5in', width: 18415, height: 26670 },
  { keyword: 'jis_b5_182x257mm', width: 18200, height: 25700 },
];

/** The default media: A4, unless configured (North America would choose letter). */
export const DEFAULT_MEDIA = 'iso_a4_210x297mm';

/** The size for a media keyword, if offered. */
export function mediaSize(keyword: string): MediaSize | undefined {
  return MEDIA_SIZES.find((m) => m.keyword === keyword);
}

/** The offered media keyword for a size (within 1 mm), if any. */
export function mediaForSize(width: number, height: number): MediaSize | undefined {
  return MEDIA_SIZES.find((m) => Math.abs(m.width - width) <= 100 && Math.abs(m.height - height) <= 100);
}

/** A media size in points (1/100 mm -> 1/72 inch), for laying photos out. */
export function mediaPaper(keyword: string): { widthPt: number; heightPt: number } | undefined {
  const m = mediaSize(keyword);
  return m ? { widthPt: (m.width / 2540) * 72, heightPt: (m.height / 2540) * 72 } : undefined;
}

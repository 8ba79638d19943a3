/** The document formats the converter turns into PDF. */
export type ConvertibleFormat = 'image/jpeg' | 'image/pwg-raster' | 'image/urf';

/** Every convertible format, for printer attributes such as "document-format-supported". */
export const CONVERTIBLE_FORMATS: readonly ConvertibleFormat[] = [
  'image/jpeg',
  'image/pwg-raster',
  'image/urf',
];

import { inflateBounded } from './flate.js';
import { damaged, tooComplex } from './pdf-error.js';
import { isDict, nameOf, type PdfDict, type PdfValue } from './pdf-value.js';
import { undoPredictor } from './predictor.js';

/** Decodes a stream's stored bytes by its /Filter and /DecodeParms (only FlateDecode is needed for structure). */
export function decodeStream(dict: PdfDict, stored: Buffer, what: string): Buffer {
  const filters = asList(dict.get('Filter'));
  const parms = asList(dict.get('DecodeParms'));
  let data = stored;
  filters.forEach((filter, i) => {
    const name = nameOf(filter);
    if (name === 'FlateDecode' || name === 'Fl') {
      data = inflateBounded(data, what);
      const p = parms[i];
      if (isDict(p)) data = undoPredictor(data, predictorParams(p));
    } else if (name === undefined) {
      throw damaged(`${what} names its compression with something that is not a name`);
    } else {
      throw tooComplex(`${what} uses /${name.slice(0, 40)} compression, which this reader does not decode`);
    }
  });
  return data;
}

function asList(value: PdfValue | undefined): PdfValue[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function predictorParams(parms: PdfDict) {
  const number = (key: string, fallback: number): number => {
    const value = parms.get(key);
    return typeof value === 'number' ? value : fallback;
  };
  return {
    predictor: number('Predictor', 1),
    colors: number('Colors', 1),
    bitsPerComponent: number('BitsPerComponent', 8),
    columns: number('Columns', 1),
  };
}

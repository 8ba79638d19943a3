import { damaged, tooComplex } from './pdf-error.js';

/** The /DecodeParms entries that describe a predictor (PDF 32000-1 table 8). */
export interface PredictorParams {
  predictor: number;
  colors: number;
  bitsPerComponent: number;
  columns: number;
}

/** Largest predictor row accepted, far above the few bytes of a cross-reference stream row. */
const MAX_ROW_BYTES = 1 << 20;

/** Undoes a TIFF (2) or PNG (10 to 15) predictor; predictor 1 leaves the data as it is. */
export function undoPredictor(data: Buffer, params: PredictorParams): Buffer {
  const { predictor, colors, bitsPerComponent, columns } = params;
  if (predictor === 1) return data;
  const valid =
    Number.isInteger(colors) &&
    colors >= 1 &&
    colors <= 32 &&
    [1, 2, 4, 8, 16].includes(bitsPerComponent) &&
    Number.isInteger(columns) &&
    columns >= 1;
  const rowBytes = Math.ceil((colors * bitsPerComponent * columns) / 8);
  if (!valid || rowBytes > MAX_ROW_BYTES) throw damaged('a stream has impossible predictor parameters');
  const pixelBytes = Math.max(1, Math.ceil((colors * bitsPerComponent) / 8));
  if (predictor === 2) return undoTiff(data, rowBytes, pixelBytes, bitsPerComponent);
  if (predictor >= 10 && predictor <= 15) return undoPng(data, rowBytes, pixelBytes);
  throw damaged(`a stream names the unknown predictor ${predictor}`);
}

function undoTiff(data: Buffer, rowBytes: number, pixelBytes: number, bitsPerComponent: number): Buffer {
  if (bitsPerComponent !== 8) throw tooComplex('a stream uses a TIFF predictor on packed samples');
  const out = Buffer.from(data);
  for (let row = 0; row + rowBytes <= out.length; row += rowBytes) {
    for (let i = row + pixelBytes; i < row + rowBytes; i++) out[i] = (out[i]! + out[i - pixelBytes]!) & 0xff;
  }
  return out;
}

// PNG filter types, RFC 2083 section 6; each row starts with its own filter type byte.
function undoPng(data: Buffer, rowBytes: number, pixelBytes: number): Buffer {
  const rows = Math.floor(data.length / (rowBytes + 1));
  const out = Buffer.alloc(rows * rowBytes);
  for (let row = 0; row < rows; row++) {
    const type = data[row * (rowBytes + 1)]!;
    const src = row * (rowBytes + 1) + 1;
    const dst = row * rowBytes;
    for (let i = 0; i < rowBytes; i++) {
      const raw = data[src + i]!;
      const left = i >= pixelBytes ? out[dst + i - pixelBytes]! : 0;
      const up = row > 0 ? out[dst - rowBytes + i]! : 0;
      const upLeft = row > 0 && i >= pixelBytes ? out[dst - rowBytes + i - pixelBytes]! : 0;
      let value: number;
      switch (type) {
        case 0:
          value = raw;
          break;
        case 1:
          value = raw + left;
          break;
        case 2:
          value = raw + up;
          break;
        case 3:
          value = raw + ((left + up) >> 1);
          break;
        case 4:
          value = raw + paeth(left, up, upLeft);
          break;
        default:
          throw damaged(`a stream row uses the unknown PNG filter ${type}`);
      }
      out[dst + i] = value & 0xff;
    }
  }
  return out;
}

function paeth(left: number, up: number, upLeft: number): number {
  const estimate = left + up - upLeft;
  const dLeft = Math.abs(estimate - left);
  const dUp = Math.abs(estimate - up);
  const dUpLeft = Math.abs(estimate - upLeft);
  if (dLeft <= dUp && dLeft <= dUpLeft) return left;
  return dUp <= dUpLeft ? up : upLeft;
}

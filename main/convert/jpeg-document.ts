import type { ChunkReader } from './chunk-reader.js';
import { ConversionError } from './errors.js';
import { parseExif } from './exif.js';
import { JpegEndFinder } from './jpeg-end-finder.js';
import {
  damaged,
  isAdobeSegment,
  isExifSegment,
  isFrameMarker,
  isStandaloneMarker,
  parseFrame,
  parseJfifDensity,
  type JpegFrame,
} from './jpeg-segments.js';
import { checkDimensions, type ConversionLimits } from './limits.js';
import type { PageTally } from './page-tally.js';
import { writeImagePage } from './pdf-image-page.js';
import type { PdfColorSpace, PdfStreamWriter } from './pdf-writer.js';
import {
  isTransposed,
  photoPageSize,
  placePhoto,
  type Density,
  type Orientation,
  type PaperSize,
} from './placement.js';

/**
 * Most bytes of metadata accepted before the frame header. They are held in memory because the image
 * dictionary, written first, needs the frame header's facts; 16 MiB is far beyond real ICC profiles and
 * thumbnails (each segment is at most 64 KiB).
 */
const MAX_BYTES_BEFORE_FRAME = 16 * 1024 * 1024;

const COLOR_SPACES: Record<JpegFrame['components'], PdfColorSpace> = {
  1: 'DeviceGray',
  3: 'DeviceRGB',
  4: 'DeviceCMYK',
};

/** What the segments before the frame header told us. */
interface JpegHead {
  segments: Buffer[];
  frame: JpegFrame;
  jfifDensity: Density | null;
  exifDensity: Density | null;
  orientation: Orientation;
  adobe: boolean;
}

/**
 * Embeds a JPEG unchanged as one DCTDecode page. The bytes up to the frame header are held (the image
 * dictionary needs the size and components first); the rest streams straight through to the PDF up to
 * the end-of-image marker. Anything after that marker (a second image, as in MPF files) is read and
 * dropped.
 */
export async function writeJpegDocument(
  reader: ChunkReader,
  pdf: PdfStreamWriter,
  limits: ConversionLimits,
  tally: PageTally,
  paper?: PaperSize,
): Promise<void> {
  const head = await readHead(reader);
  const { frame } = head;
  checkDimensions(limits, 'The JPEG', frame.widthPx, frame.heightPx);

  const transposed = isTransposed(head.orientation);
  const density =
    head.jfifDensity?.absolute === true ? head.jfifDensity : (head.exifDensity ?? head.jfifDensity);
  const upright =
    density !== null && transposed ? { x: density.y, y: density.x, absolute: density.absolute } : density;
  const natural = photoPageSize(
    transposed ? frame.heightPx : frame.widthPx,
    transposed ? frame.widthPx : frame.heightPx,
    upright,
  );
  // On paper (a print job's media): centred and fitted on the sheet. Without: the page is the photo.
  const placed = paper ? placePhoto(natural, upright?.absolute === true, paper) : null;
  const size = placed ? { widthPt: placed.widthPt, heightPt: placed.heightPt } : natural;

  await writeImagePage(
    pdf,
    {
      widthPx: frame.widthPx,
      heightPx: frame.heightPx,
      colorSpace: COLOR_SPACES[frame.components],
      bitsPerComponent: 8,
      decode: frame.components === 4 && head.adobe ? [1, 0, 1, 0, 1, 0, 1, 0] : null,
      filter: 'DCTDecode',
      widthPt: size.widthPt,
      heightPt: size.heightPt,
      orientation: head.orientation,
      ...(placed ? { sheet: { ...placed.sheet, x: placed.x, y: placed.y } } : {}),
    },
    async () => {
      for (const segment of head.segments) await pdf.write(segment);
      await copyToEndOfImage(reader, pdf);
    },
  );
  tally.add(placed?.sheet.widthPt ?? size.widthPt, placed?.sheet.heightPt ?? size.heightPt);
}

/** Reads SOI and every segment up to and including the frame header. */
async function readHead(reader: ChunkReader): Promise<JpegHead> {
  if (!(await reader.ensure(2))) {
    if (reader.available === 0)
      throw new ConversionError('no-pages', 'The document is empty. Print it again.');
    throw cutOff();
  }
  if (reader.buffer[reader.position] !== 0xff || reader.buffer[reader.position + 1] !== 0xd8) {
    throw new ConversionError(
      'bad-header',
      'The document is not a JPEG: it does not start with the JPEG start-of-image marker. Check the ' +
        'document format the application sends.',
    );
  }
  const segments: Buffer[] = [take(reader, 2)];
  let held = 2;
  let jfifDensity: Density | null = null;
  let exifDensity: Density | null = null;
  let orientation: Orientation = 1;
  let adobe = false;
  for (;;) {
    if (!(await reader.ensure(2))) throw cutOff();
    const at = reader.position;
    if (reader.buffer[at] !== 0xff) throw damaged('a marker is missing between its segments');
    const marker = reader.buffer[at + 1] as number;
    if (marker === 0xff) {
      // A fill byte before the marker (T.81 section B.1.1.2); keep it so the bytes stay unchanged.
      segments.push(take(reader, 1));
      held += 1;
      continue;
    }
    if (marker === 0xd8 || marker === 0xd9 || marker === 0xda) {
      throw damaged('its image data comes before its frame header');
    }
    if (isStandaloneMarker(marker)) {
      segments.push(take(reader, 2));
      held += 2;
      continue;
    }
    if (!(await reader.ensure(4))) throw cutOff();
    const length = reader.buffer.readUInt16BE(reader.position + 2);
    if (length < 2) throw damaged(`a segment claims a length of ${length}`);
    held += 2 + length;
    if (held > MAX_BYTES_BEFORE_FRAME) {
      throw new ConversionError(
        'too-large',
        'The JPEG carries more than 16 MiB of metadata before its image. Save it again without the extra ' +
          'metadata and print again.',
      );
    }
    if (!(await reader.ensure(2 + length))) throw cutOff();
    const segment = take(reader, 2 + length);
    segments.push(segment);
    if (marker === 0xe0 && jfifDensity === null) jfifDensity = parseJfifDensity(segment);
    else if (isExifSegment(segment)) {
      const exif = parseExif(segment.subarray(10));
      exifDensity ??= exif.density;
      orientation = exif.orientation ?? orientation;
    } else if (isAdobeSegment(segment)) adobe = true;
    else if (isFrameMarker(marker)) {
      return { segments, frame: parseFrame(segment), jfifDensity, exifDensity, orientation, adobe };
    }
  }
}

/** Copies the rest of the JPEG to the PDF, up to and including its end-of-image marker. */
async function copyToEndOfImage(reader: ChunkReader, pdf: PdfStreamWriter): Promise<void> {
  const finder = new JpegEndFinder();
  for (;;) {
    const slice = await reader.nextSlice();
    if (slice === null) throw cutOff();
    const end = finder.scan(slice);
    if (end >= 0) {
      await pdf.write(slice.subarray(0, end));
      return;
    }
    await pdf.write(slice);
  }
}

/** Consumes `n` buffered bytes as a copy, so the held segments do not pin whole input chunks. */
function take(reader: ChunkReader, n: number): Buffer {
  const bytes = Buffer.from(reader.buffer.subarray(reader.position, reader.position + n));
  reader.position += n;
  return bytes;
}

function cutOff(): ConversionError {
  return new ConversionError(
    'truncated',
    'The JPEG ends before its end-of-image marker: it did not arrive completely. Print it again.',
  );
}

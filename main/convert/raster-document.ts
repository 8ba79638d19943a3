import type { ChunkReader } from './chunk-reader.js';
import { ConversionError } from './errors.js';
import { formatBytes, type ConversionLimits } from './limits.js';
import type { PageTally } from './page-tally.js';
import type { PdfStreamWriter } from './pdf-writer.js';
import { PWG_PAGE_HEADER_BYTES, PWG_SYNC, parsePwgHeader } from './pwg-header.js';
import { writeRasterPage, type RasterPage } from './raster-page.js';
import { URF_FILE_HEADER_BYTES, URF_PAGE_HEADER_BYTES, URF_SYNC, parseUrfHeader } from './urf-header.js';

/** What tells the two raster formats apart; their page data is coded alike. */
interface RasterDialect {
  name: string;
  sync: Buffer;
  fileHeaderBytes: number;
  pageHeaderBytes: number;
  parsePage(header: Buffer, pageNumber: number, limits: ConversionLimits): RasterPage;
}

/** PWG raster (PWG 5102.4): the sync word, then pages until the end of the stream. */
export const PWG_RASTER: RasterDialect = {
  name: 'PWG raster',
  sync: PWG_SYNC,
  fileHeaderBytes: PWG_SYNC.length,
  pageHeaderBytes: PWG_PAGE_HEADER_BYTES,
  parsePage: parsePwgHeader,
};

/**
 * Apple raster. The page count in the file header is not trusted (Ghostscript writes 0): pages are read
 * until the stream ends, as with PWG raster.
 */
export const APPLE_RASTER: RasterDialect = {
  name: 'Apple raster',
  sync: URF_SYNC,
  fileHeaderBytes: URF_FILE_HEADER_BYTES,
  pageHeaderBytes: URF_PAGE_HEADER_BYTES,
  parsePage: parseUrfHeader,
};

/** Converts a whole raster stream, one PDF page per raster page. */
export async function writeRasterDocument(
  dialect: RasterDialect,
  reader: ChunkReader,
  pdf: PdfStreamWriter,
  limits: ConversionLimits,
  tally: PageTally,
): Promise<void> {
  await readFileHeader(dialect, reader);
  let decodedBytes = 0;
  for (let pageNumber = 1; await reader.ensure(1); pageNumber++) {
    if (pageNumber > limits.maxPages) {
      throw new ConversionError(
        'too-large',
        `The document has more than ${limits.maxPages} pages. Print it in smaller parts.`,
      );
    }
    if (!(await reader.ensure(dialect.pageHeaderBytes))) {
      throw new ConversionError(
        'truncated',
        `The ${dialect.name} document ends inside the header of page ${pageNumber}: it did not arrive ` +
          'completely. Print it again.',
      );
    }
    const start = reader.position;
    const page = dialect.parsePage(
      reader.buffer.subarray(start, start + dialect.pageHeaderBytes),
      pageNumber,
      limits,
    );
    reader.position = start + dialect.pageHeaderBytes;
    decodedBytes += page.bytesPerLine * page.heightPx;
    if (decodedBytes > limits.maxDecodedBytes) {
      throw new ConversionError(
        'too-large',
        `The ${dialect.name} document holds more than ${formatBytes(limits.maxDecodedBytes)} of uncompressed ` +
          'pixels. Print it in smaller parts or at a lower resolution.',
      );
    }
    await writeRasterPage(pdf, reader, page);
    tally.add(page.widthPt, page.heightPt);
  }
}

async function readFileHeader(dialect: RasterDialect, reader: ChunkReader): Promise<void> {
  const complete = await reader.ensure(dialect.fileHeaderBytes);
  const head = reader.buffer.subarray(reader.position, reader.position + dialect.fileHeaderBytes);
  const syncSeen = head.subarray(0, dialect.sync.length);
  if (!dialect.sync.subarray(0, syncSeen.length).equals(syncSeen)) {
    const signature = dialect.sync.toString('latin1').replace('\0', '');
    throw new ConversionError(
      'bad-header',
      `The document is not ${dialect.name}: it does not start with "${signature}". ` +
        'Check the document format the application sends.',
    );
  }
  if (head.length === 0) throw new ConversionError('no-pages', 'The document is empty. Print it again.');
  if (!complete) {
    throw new ConversionError(
      'truncated',
      `The ${dialect.name} document ends inside its file header: it did not arrive completely. Print it again.`,
    );
  }
  reader.position += dialect.fileHeaderBytes;
}

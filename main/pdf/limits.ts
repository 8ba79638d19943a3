// Every read and every decompression in main/pdf is capped by one of these, so memory stays bounded
// whatever the file size (uploads reach 1 GiB). A file that needs more is reported as `too-complex`.

const KiB = 1024;
const MiB = 1024 * KiB;

/** Bytes at the start of the file searched for the `%PDF-x.y` header (PDF 32000-1 annex H.3 allows junk before it). */
export const HEADER_WINDOW_BYTES = 1024;

/** Bytes at the end of the file searched for `startxref` (tolerates trailing garbage after %%EOF). */
export const TAIL_WINDOW_BYTES = 2 * KiB;

/** First window read to parse one object or trailer; it grows fourfold while the object does not fit. */
export const FIRST_WINDOW_BYTES = 4 * KiB;

/** Largest window read to parse one object's dictionary or a trailer (stream data excluded). */
export const MAX_OBJECT_BYTES = 1 * MiB;

/** Largest stored (compressed) size of a cross-reference stream or object stream. */
export const MAX_STREAM_BYTES = 16 * MiB;

/** Largest decoded size of one cross-reference stream or object stream (zlib `maxOutputLength`). */
export const MAX_DECODED_BYTES = 16 * MiB;

/** Decoded cross-reference stream bytes kept for all sections of a /Prev chain together. */
export const MAX_XREF_STREAM_TOTAL_BYTES = 32 * MiB;

/** Sections followed along /Prev and /XRefStm links. */
export const MAX_XREF_SECTIONS = 1024;

/** Subsections in one classic cross-reference table. */
export const MAX_XREF_SUBSECTIONS = 65536;

/** Bytes read by random access (object windows and stream data, not the recovery scan) for one file. */
export const MAX_RANDOM_READ_BYTES = 512 * MiB;

/** Arrays and dictionaries nested inside each other in one object. */
export const MAX_NESTING_DEPTH = 64;

/** Indirect references followed in a row to reach one value (`1 0 R` naming `2 0 R` naming ...). */
export const MAX_REFERENCE_DEPTH = 32;

/** Objects loaded while inspecting one file, a backstop against pathological reference graphs. */
export const MAX_OBJECT_LOADS = 4096;

/** Default `maxScanBytes`: how much of a damaged file the recovery scan reads. */
export const DEFAULT_MAX_SCAN_BYTES = 1024 * MiB;

/** Chunk the recovery scan reads at a time. */
export const SCAN_CHUNK_BYTES = 256 * KiB;

/** Object offsets the recovery scan remembers (12 bytes each, so 12 MiB at most). */
export const MAX_RECOVERED_OBJECTS = 1024 * KiB;

/** Object streams the recovery scan opens, and trailer or catalog candidates it keeps. */
export const MAX_RECOVERED_STREAMS = 4096;

/** Object stream bytes the recovery scan decompresses in all, a backstop against many small zip bombs. */
export const MAX_RECOVERY_DECODED_BYTES = 256 * MiB;

/** Root candidates tried by the recovery scan before it gives up. */
export const MAX_RECOVERED_ROOTS = 64;

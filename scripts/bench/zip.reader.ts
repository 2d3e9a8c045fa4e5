// Reads the deployment zips that serverless writes (stored or deflated entries, no zip64), so the
// benchmark needs no `unzip` binary on a fresh machine.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { inflateRawSync } from 'node:zlib';

export interface ZipEntry {
  readonly name: string;
  readonly compressedSize: number;
  readonly size: number;
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;

interface LocatedEntry extends ZipEntry {
  readonly method: number;
  readonly localHeaderOffset: number;
}

const readEntries = (zip: Buffer, file: string): LocatedEntry[] => {
  // The end record is the last 22 bytes plus an optional comment of up to 64 KiB.
  let end = -1;
  for (let at = zip.length - 22; at >= Math.max(0, zip.length - 22 - 0xffff); at -= 1) {
    if (zip.readUInt32LE(at) === END_OF_CENTRAL_DIRECTORY) {
      end = at;
      break;
    }
  }
  if (end < 0) throw new Error(`${file} is not a zip file (no end of central directory)`);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries: LocatedEntry[] = [];
  for (let i = 0; i < count; i += 1) {
    if (zip.readUInt32LE(at) !== CENTRAL_DIRECTORY_ENTRY)
      throw new Error(`${file}: corrupt central directory`);
    const compressedSize = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    if (compressedSize === 0xffffffff || size === 0xffffffff)
      throw new Error(`${file}: zip64 is not supported`);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    entries.push({
      name: zip.toString('utf8', at + 46, at + 46 + nameLength),
      method: zip.readUInt16LE(at + 10),
      compressedSize,
      size,
      localHeaderOffset: zip.readUInt32LE(at + 42),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
};

const entryData = (zip: Buffer, entry: LocatedEntry, file: string): Buffer => {
  const at = entry.localHeaderOffset;
  if (zip.readUInt32LE(at) !== LOCAL_FILE_HEADER) throw new Error(`${file}: corrupt entry ${entry.name}`);
  const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
  const raw = zip.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) return raw;
  if (entry.method === 8) return inflateRawSync(raw);
  throw new Error(`${file}: entry ${entry.name} uses unsupported compression method ${entry.method}`);
};

/** The entries of `file`, without extracting them. */
export const listZip = (file: string): ZipEntry[] =>
  readEntries(readFileSync(file), file).map(({ name, compressedSize, size }) => ({
    name,
    compressedSize,
    size,
  }));

/** Extracts every file of `file` under `targetDir` (which should be empty). */
export const extractZip = (file: string, targetDir: string): ZipEntry[] => {
  const zip = readFileSync(file);
  const root = resolve(targetDir);
  const entries = readEntries(zip, file);
  for (const entry of entries) {
    if (entry.name.endsWith('/')) continue;
    const target = resolve(join(root, entry.name));
    // A crafted name like `../../x` must not write outside the target folder.
    if (!target.startsWith(root + sep))
      throw new Error(`${file}: entry ${entry.name} escapes the target folder`);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, entryData(zip, entry, file));
  }
  return entries.map(({ name, compressedSize, size }) => ({ name, compressedSize, size }));
};

// Reads a file of the workspace as the engine wants it: text, plus the findings only bytes can show
// (not UTF-8, too large to read). An editor's open document arrives as text and never needs this.
import { readFile, stat } from 'node:fs/promises';
import { decodeUtf8, MAX_FILE_CHARS, ruleMeta, type Finding } from '../engine';

export interface DiskText {
  text: string;
  /** Findings about the bytes, at the rule's default severity; the folder applies the configuration. */
  findings: Finding[];
}

/** The file's text, or undefined when it does not exist (any longer) or is not a regular file. */
export async function readSource(filePath: string): Promise<DiskText | undefined> {
  let size: number;
  try {
    const s = await stat(filePath);
    if (!s.isFile()) return undefined;
    size = s.size;
  } catch (e) {
    if (isGone(e)) return undefined;
    throw e;
  }
  // Even a file of single-byte characters this long is over the engine's limit; do not load it at all.
  if (size > MAX_FILE_CHARS) {
    return {
      text: '',
      findings: [finding('file-too-large', 'tooLarge', 0, 0,
        `This file has ${size.toLocaleString('en-US')} bytes; tenant-policy analyses files up to ${MAX_FILE_CHARS.toLocaleString('en-US')} characters.`)],
    };
  }
  let bytes: Uint8Array;
  try {
    bytes = await readFile(filePath);
  } catch (e) {
    if (isGone(e)) return undefined;
    throw e;
  }
  return decode(bytes);
}

/** Decodes bytes as UTF-8; invalid bytes become U+FFFD and one `invalid-encoding` finding at the first. */
export function decode(bytes: Uint8Array): DiskText {
  const decoded = decodeUtf8(bytes);
  if (decoded.invalidAt === undefined) return { text: decoded.text, findings: [] };
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const byteOffset = decoded.invalidAt;
  // Everything before the first invalid byte is valid UTF-8, so its decoded length is the UTF-16 offset.
  const at = new TextDecoder('utf-8').decode(bytes.subarray(bom, bom + byteOffset)).length;
  const bad = bytes[bom + byteOffset];
  const shown = bad === undefined ? 'a truncated character at the end' : `the byte 0x${bad.toString(16).padStart(2, '0')} at byte offset ${byteOffset + bom}`;
  return {
    text: decoded.text,
    findings: [finding('invalid-encoding', 'invalidUtf8', at, Math.min(at + 1, decoded.text.length),
      `This file is not valid UTF-8 (${shown}); Kubernetes reads manifests as UTF-8. Save the file as UTF-8.`)],
  };
}

function finding(ruleId: string, messageId: string, start: number, end: number, message: string): Finding {
  return { ruleId, messageId, severity: ruleMeta(ruleId)?.defaultSeverity ?? 'error', span: { start, end }, message, fixes: [] };
}

function isGone(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

// The bytes the preview host writes for an export the webview posted: UTF-8 text for CSV, Markdown and
// SVG, and for PNG the decoded base64, accepted only if it is a PNG (the webview is trusted code, but a
// message is still data: garbage must not land in the user's file).

export type ExportFormat = 'csv' | 'md' | 'svg' | 'png';

export const EXPORT_FORMATS: Record<ExportFormat, { ext: string; name: string }> = {
  csv: { ext: 'csv', name: 'CSV' },
  md: { ext: 'md', name: 'Markdown' },
  svg: { ext: 'svg', name: 'SVG' },
  png: { ext: 'png', name: 'PNG' },
};

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function isExportFormat(f: unknown): f is ExportFormat {
  return typeof f === 'string' && Object.prototype.hasOwnProperty.call(EXPORT_FORMATS, f);
}

/** The width and height in a PNG's IHDR chunk, or undefined if the bytes are not a PNG. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  if (bytes.length < 24 || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) return undefined;
  if (String.fromCharCode(bytes[12], bytes[13], bytes[14], bytes[15]) !== 'IHDR') return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** The file's bytes, or undefined when the content cannot be what the format says. */
export function exportBytes(format: ExportFormat, content: unknown): Uint8Array | undefined {
  if (typeof content !== 'string') return undefined;
  if (format !== 'png') return new TextEncoder().encode(content);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(content)) return undefined;
  const bytes = new Uint8Array(Buffer.from(content, 'base64'));
  const size = pngSize(bytes);
  return size && size.width > 0 && size.height > 0 ? bytes : undefined;
}

// Files come from disk or stdin as bytes. Kubernetes manifests are UTF-8; anything else gets a clear
// finding instead of mojibake or a crash.

export interface Decoded {
  text: string;
  /** Byte offset of the first invalid sequence, when the bytes are not valid UTF-8. */
  invalidAt?: number;
}

export function decodeUtf8(bytes: Uint8Array): Decoded {
  // A UTF-8 byte order mark is allowed and dropped, as kubectl does.
  const body = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body) };
  } catch {
    return { text: new TextDecoder('utf-8').decode(body), invalidAt: firstInvalid(body) };
  }
}

function firstInvalid(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    const n = c < 0x80 ? 0 : (c & 0xe0) === 0xc0 ? 1 : (c & 0xf0) === 0xe0 ? 2 : (c & 0xf8) === 0xf0 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) if (i + k >= b.length || (b[i + k] & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return b.length;
}

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

/** The first byte that does not start a well-formed UTF-8 sequence (Unicode Table 3-7). */
function firstInvalid(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0; // overlong
      if (c === 0xed) hi = 0x9f; // surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90; // overlong
      if (c === 0xf4) hi = 0x8f; // beyond U+10FFFF
    } else return i; // C0, C1 (overlong), F5..FF and stray continuation bytes
    for (let k = 1; k <= n; k++) {
      const x = b[i + k];
      if (i + k >= b.length || x < (k === 1 ? lo : 0x80) || x > (k === 1 ? hi : 0xbf)) return i;
    }
    i += n + 1;
  }
  return b.length;
}

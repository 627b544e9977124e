// Draws the extension's icon, images/icon.png: a 128×128 shield split down the middle, one tenant on
// each side. Only Node's zlib is needed; the PNG is encoded by hand so the icon is reproducible
// without an image editor or an image package. Run: node scripts/make-icon.mjs [OUT.png]
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
// Each pixel is sampled SS×SS times so edges are anti-aliased.
const SS = 4;

/** Shapes as inside-tests on continuous coordinates (0..128), painted in order, last on top. */
const layers = [
  { color: [0x1f, 0x3a, 0x5f], inside: roundedRect(4, 4, 124, 124, 22) },
  { color: [0xe8, 0xf0, 0xf8], inside: shield(64, 18, 38, 48, 104) },
  { color: [0x1f, 0x3a, 0x5f], inside: rect(61.5, 26, 66.5, 100) },
  { color: [0x2b, 0xb3, 0xa3], inside: roundedRect(36, 42, 56, 62, 4) },
  { color: [0xf0, 0xa0, 0x30], inside: roundedRect(72, 42, 92, 62, 4) },
];

function rect(x0, y0, x1, y1) {
  return (x, y) => x >= x0 && x <= x1 && y >= y0 && y <= y1;
}

function roundedRect(x0, y0, x1, y1, r) {
  return (x, y) => {
    if (!rect(x0, y0, x1, y1)(x, y)) return false;
    const cx = Math.min(Math.max(x, x0 + r), x1 - r);
    const cy = Math.min(Math.max(y, y0 + r), y1 - r);
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
  };
}

/** A shield: straight sides from `top` to `shoulder`, then narrowing smoothly to a point at `tip`. */
function shield(cx, top, halfWidth, shoulder, tip) {
  return (x, y) => {
    if (y < top || y > tip) return false;
    const t = y <= shoulder ? 0 : (y - shoulder) / (tip - shoulder);
    return Math.abs(x - cx) <= halfWidth * (1 - t * t);
  };
}

function render() {
  const rgba = Buffer.alloc(SIZE * SIZE * 4);
  for (let py = 0; py < SIZE; py++) {
    for (let px = 0; px < SIZE; px++) {
      // Premultiplied accumulation over the sub-samples; transparent outside the background.
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          const x = px + (sx + 0.5) / SS;
          const y = py + (sy + 0.5) / SS;
          let top;
          for (const layer of layers) if (layer.inside(x, y)) top = layer.color;
          if (top) {
            r += top[0]; g += top[1]; b += top[2]; a += 1;
          }
        }
      }
      const o = (py * SIZE + px) * 4;
      if (a > 0) {
        rgba[o] = Math.round(r / a);
        rgba[o + 1] = Math.round(g / a);
        rgba[o + 2] = Math.round(b / a);
        rgba[o + 3] = Math.round((255 * a) / (SS * SS));
      }
    }
  }
  return rgba;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function encodePng(width, height, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bits per channel
  ihdr[9] = 6; // colour type: RGBA
  // Bytes 10-12 stay 0: deflate compression, adaptive filtering, no interlace.
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    // Filter type 0 (None) on every row keeps the encoder trivial; deflate does the rest.
    rgba.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const out = process.argv[2] ?? fileURLToPath(new URL('../images/icon.png', import.meta.url));
writeFileSync(out, encodePng(SIZE, SIZE, render()));
console.log(`wrote ${out}`);

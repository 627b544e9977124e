// PNG export: the SVG the SVG export writes, drawn into a canvas through an <img> loaded from a data: URL
// (the CSP's `img-src data:` allows it; a self-contained SVG does not taint the canvas), then encoded as PNG
// and handed over as base64. Big matrices are scaled down so no side exceeds MAX_PNG_SIDE pixels: beyond
// that a canvas costs hundreds of megabytes and browsers refuse to allocate or encode it.

/** The longest side of an exported PNG, in pixels. */
export const MAX_PNG_SIDE = 8192;
/** Small matrices are drawn at twice their SVG size so the text stays sharp on high-DPI screens. */
export const PNG_SCALE = 2;

export interface RasterPlan {
  width: number;
  height: number;
  scale: number;
  /** Set when the matrix had to be drawn smaller than PNG_SCALE: the text shown to the user. */
  note?: string;
}

/** The raster size for an SVG of `width` × `height` user units. */
export function rasterPlan(width: number, height: number, maxSide = MAX_PNG_SIDE): RasterPlan {
  const w = Math.max(1, Math.ceil(width));
  const h = Math.max(1, Math.ceil(height));
  const scale = Math.min(PNG_SCALE, maxSide / Math.max(w, h));
  const plan: RasterPlan = { width: Math.max(1, Math.floor(w * scale)), height: Math.max(1, Math.floor(h * scale)), scale };
  if (scale < 1) {
    plan.note = `The matrix is ${w} × ${h} px; the PNG is scaled down to ${plan.width} × ${plan.height} px (${Math.round(scale * 100)} %). Export SVG for full resolution.`;
  }
  return plan;
}

/** The width and height an exported SVG declares on its root element. */
export function svgSize(svg: string): { width: number; height: number } | undefined {
  const m = /^<svg\b[^>]*?\swidth="(\d+(?:\.\d+)?)"[^>]*?\sheight="(\d+(?:\.\d+)?)"/.exec(svg);
  return m ? { width: Number(m[1]), height: Number(m[2]) } : undefined;
}

function loadImage(url: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.decoding = 'async';
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error('the browser could not draw the SVG'));
    img.src = url;
  });
}

function blobToBase64(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('cannot read the PNG'));
    reader.readAsDataURL(blob);
  });
}

/** Draws the SVG and returns the PNG as base64, with its size and the note of a scaled-down image. */
export async function svgToPng(svg: string, maxSide = MAX_PNG_SIDE): Promise<RasterPlan & { base64: string }> {
  const size = svgSize(svg);
  if (!size) throw new Error('the SVG has no size');
  const plan = rasterPlan(size.width, size.height, maxSide);
  const img = await loadImage(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`);
  const canvas = document.createElement('canvas');
  canvas.width = plan.width;
  canvas.height = plan.height;
  const g = canvas.getContext('2d');
  if (!g) throw new Error(`no canvas of ${plan.width} × ${plan.height} px is available`);
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, plan.width, plan.height);
  g.drawImage(img, 0, 0, plan.width, plan.height);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  // Release the canvas' memory at once rather than at the next collection.
  canvas.width = 0;
  canvas.height = 0;
  if (!blob) throw new Error(`the browser could not encode a ${plan.width} × ${plan.height} px PNG`);
  return { ...plan, base64: await blobToBase64(blob) };
}

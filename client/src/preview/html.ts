// The preview panel's HTML shell: the one function both the extension and the browser tests use, so the
// Content Security Policy under test is the one VS Code gets. No data goes into the HTML: everything the
// panel shows arrives through postMessage and is written with textContent.

export interface PreviewHtmlOptions {
  /** `webview.cspSource`: the origin the bundle and the stylesheet are served from. */
  cspSource: string;
  /** A fresh random value per document: the only script allowed to run carries it. */
  nonce: string;
  scriptUri: string;
  styleUri: string;
}

/** Escapes a value for an HTML attribute; the values are URIs and a nonce, never user data. */
function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function previewCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

export function previewHtml(o: PreviewHtmlOptions): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(previewCsp(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(o.styleUri)}">
<title>Tenant Policy Preview</title>
</head>
<body>
<div id="app" class="app" aria-busy="true"><p class="status" id="status">Loading…</p></div>
<script nonce="${attr(o.nonce)}" src="${attr(o.scriptUri)}"></script>
</body>
</html>
`;
}

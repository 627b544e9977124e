// The `tenantPolicy.openPreview` handler's indirection: commands.ts (which tests load without VS Code)
// calls this module, which has no `vscode` import; the panel module installs the real opener at activation.
type Opener = (args: unknown[]) => unknown;

let opener: Opener | undefined;

export function setPreviewOpener(next: Opener | undefined): void {
  opener = next;
}

export function openPreview(args: unknown[]): unknown {
  return opener?.(args);
}

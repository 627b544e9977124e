// A minimal event emitter in the style of vscode's `Event<T>`, so the workspace layer needs no LSP package.

export interface Disposable {
  dispose(): void;
}

export type Event<T> = (listener: (e: T) => void) => Disposable;

export class Emitter<T> {
  private readonly listeners = new Set<(e: T) => void>();

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  /** Calls every listener; one that throws is reported to `onError` and does not stop the others. */
  fire(e: T, onError: (error: unknown) => void): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(e);
      } catch (error) {
        onError(error);
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}

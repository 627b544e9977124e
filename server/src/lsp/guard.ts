// Handlers cannot crash the server. Each request handler is wrapped: cancellation before or after the
// work answers RequestCancelled; an exception is logged with its stack and answered with an error (or
// the handler's fallback), and the next request is served as if nothing happened. Notification handlers
// are wrapped the same way, without an answer.
import { ErrorCodes, LSPErrorCodes, ResponseError, type CancellationToken } from 'vscode-languageserver/node';

export interface ErrorLog {
  error(message: string): void;
}

export class Cancelled extends ResponseError<void> {
  constructor() {
    super(LSPErrorCodes.RequestCancelled, 'The request was cancelled.');
  }
}

/** Throws when the client cancelled the request; call between expensive steps. */
export function checkCancelled(token: CancellationToken | undefined): void {
  if (token?.isCancellationRequested) throw new Cancelled();
}

export function describeError(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}

/**
 * Wraps a request handler. `fallback` answers when the handler throws (an empty result the client can
 * show); without one the client gets an InternalError. ResponseErrors the handler throws pass through.
 */
export function guardRequest<P, R>(
  log: ErrorLog,
  method: string,
  handler: (params: P, token: CancellationToken) => R | Promise<R>,
  fallback?: () => R,
): (params: P, token: CancellationToken) => Promise<R> {
  return async (params, token) => {
    checkCancelled(token);
    try {
      const result = await handler(params, token);
      checkCancelled(token);
      return result;
    } catch (e) {
      if (e instanceof ResponseError) throw e;
      log.error(`${method} failed: ${describeError(e)}`);
      if (fallback) return fallback();
      throw new ResponseError(ErrorCodes.InternalError, `${method} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
}

/** Wraps a notification handler (or any callback the server does not await). */
export function guardNotification<P>(log: ErrorLog, method: string, handler: (params: P) => void | Promise<void>): (params: P) => void {
  return (params) => {
    try {
      const pending = handler(params);
      if (pending) pending.catch((e: unknown) => log.error(`${method} failed: ${describeError(e)}`));
    } catch (e) {
      log.error(`${method} failed: ${describeError(e)}`);
    }
  };
}

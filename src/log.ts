import * as vscode from 'vscode';
import { redact } from './masking/rules';
import type { RequestLogEntry } from './graph';

/**
 * The "Security Copilot" log. Everything goes through `redact`, and request entries carry only method, path,
 * status, ids and timing — never headers or tokens.
 */
export class Log implements vscode.Disposable {
  private created: vscode.LogOutputChannel | undefined;
  private disposed = false;

  /** Created on the first line (not at activation: a log channel sets up a file logger in the host). */
  private get channel(): Pick<vscode.LogOutputChannel, 'info' | 'warn' | 'error' | 'show'> {
    if (this.disposed) return DROPPED;
    return (this.created ??= vscode.window.createOutputChannel('Security Copilot', { log: true }));
  }

  info(message: string): void {
    this.channel.info(redact(message));
  }

  warn(message: string): void {
    this.channel.warn(redact(message));
  }

  error(message: string, error?: unknown): void {
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : error === undefined ? '' : String(error);
    this.channel.error(redact(detail ? `${message} — ${detail}` : message));
  }

  request(entry: RequestLogEntry): void {
    const status = entry.status ?? entry.error ?? 'no response';
    const ids = [entry.requestId && `request-id=${entry.requestId}`, `client-request-id=${entry.clientRequestId}`]
      .filter(Boolean)
      .join(' ');
    const attempt = entry.attempt > 1 ? ` (attempt ${entry.attempt})` : '';
    const line = `${entry.method} ${entry.path} → ${status} in ${Math.round(entry.durationMs)} ms${attempt} ${ids}`;
    if (entry.status !== undefined && entry.status < 400) this.channel.info(redact(line));
    else this.channel.warn(redact(line));
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.disposed = true;
    this.created?.dispose();
  }
}

/** Lines logged after the extension was disposed (deactivation) go nowhere. */
const DROPPED = { info: () => undefined, warn: () => undefined, error: () => undefined, show: () => undefined };

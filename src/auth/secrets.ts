import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';

const CLIENT_SECRET = 'securityCopilot.auth.clientSecret';
const CERTIFICATE = 'securityCopilot.auth.certificate';

export interface CertificateSecret {
  /** Path of the PEM file with the private key and the certificate. */
  path: string;
  password?: string;
}

/**
 * The client secret and the certificate (path and password) of the app-only sign-in methods, in VS Code's
 * SecretStorage (the OS keychain on desktop): never in settings, never logged.
 */
export class SignInSecrets extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;

  constructor(private readonly storage: vscode.SecretStorage) {
    super();
    this.register(
      storage.onDidChange((e) => {
        if (e.key === CLIENT_SECRET || e.key === CERTIFICATE) this.changed.fire();
      }),
    );
  }

  async clientSecret(): Promise<string | undefined> {
    return (await this.storage.get(CLIENT_SECRET)) || undefined;
  }

  async setClientSecret(value: string | undefined): Promise<void> {
    if (value) await this.storage.store(CLIENT_SECRET, value);
    else await this.storage.delete(CLIENT_SECRET);
  }

  async certificate(): Promise<CertificateSecret | undefined> {
    const raw = await this.storage.get(CERTIFICATE);
    if (!raw) return undefined;
    try {
      const parsed = JSON.parse(raw) as Partial<CertificateSecret>;
      return typeof parsed.path === 'string' && parsed.path ? { path: parsed.path, ...(parsed.password ? { password: parsed.password } : {}) } : undefined;
    } catch {
      return undefined;
    }
  }

  async setCertificate(value: CertificateSecret | undefined): Promise<void> {
    if (value) await this.storage.store(CERTIFICATE, JSON.stringify(value));
    else await this.storage.delete(CERTIFICATE);
  }
}

/** Shows a secret as its first two and last two characters, never in full. */
export function maskSecret(value: string | undefined): string {
  if (!value) return 'not set';
  if (value.length <= 6) return '••••••';
  return `${value.slice(0, 2)}••••••${value.slice(-2)}`;
}

// Where a Graph token may go. No `vscode` import: unit-tested in plain Node.
import * as l10n from '@vscode/l10n';

export type EndpointCheck = { ok: true; origin: string; isEmulator: boolean } | { ok: false; message: string };

/** The Security Copilot API exists only in the global cloud (the national-cloud hosts don't serve it). */
const GRAPH_HOSTS = new Set(['graph.microsoft.com']);

function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** The real Microsoft sign-in; its tokens are never sent in clear text. */
export const MICROSOFT_PROVIDER_ID = 'microsoft';

export interface EndpointPolicy {
  /** `securityCopilot.auth.providerId`: plain http is allowed only with a test provider (not `microsoft`)... */
  providerId?: string;
  /** ...or when the user said so (`securityCopilot.allowInsecureLoopback`, user settings only). */
  allowInsecureLoopback?: boolean;
}

/**
 * Accepts `https://graph.microsoft.com` (optionally with a trailing slash or `/beta`), or a loopback origin for
 * the local emulator. Anything else is refused, so a token is never sent to another host. Plain `http` on
 * loopback is refused with the real Microsoft sign-in (a real token would cross the machine in clear text to
 * whatever listens on that port) unless the user allowed it explicitly.
 */
export function checkGraphEndpoint(raw: unknown, policy: EndpointPolicy = {}): EndpointCheck {
  if (typeof raw !== 'string') return { ok: false, message: l10n.t('The Graph endpoint setting must be a URL (text), not {0}.', raw === null ? 'null' : typeof raw) };
  const value = raw.trim();
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, message: l10n.t('"{0}" is not a URL. Use https://graph.microsoft.com.', value) };
  }
  if (url.username || url.password) {
    return { ok: false, message: l10n.t('The Graph endpoint must not contain a user name or password.') };
  }
  if (url.search || url.hash || !/^\/(beta\/?)?$/.test(url.pathname)) {
    return { ok: false, message: l10n.t('Use the Graph host only (for example https://graph.microsoft.com), not "{0}".', value) };
  }
  if (isLoopback(url.hostname) && (url.protocol === 'http:' || url.protocol === 'https:')) {
    const realToken = (policy.providerId ?? MICROSOFT_PROVIDER_ID).trim() === MICROSOFT_PROVIDER_ID;
    if (url.protocol === 'http:' && realToken && policy.allowInsecureLoopback !== true) {
      return {
        ok: false,
        message: l10n.t(
          '"{0}" uses plain http: with the Microsoft sign-in your real token would travel unencrypted to ' +
            'whatever listens on that port, so no request is sent. Use https://graph.microsoft.com, or for the local ' +
            'emulator a test sign-in provider (securityCopilot.auth.providerId) or, in user settings, ' +
            'securityCopilot.allowInsecureLoopback.',
          url.origin,
        ),
      };
    }
    return { ok: true, origin: url.origin, isEmulator: true };
  }
  if (url.protocol !== 'https:') {
    return { ok: false, message: l10n.t('The Graph endpoint must use https (got "{0}").', value) };
  }
  if (!GRAPH_HOSTS.has(url.hostname.toLowerCase()) || url.port) {
    return {
      ok: false,
      message: l10n.t(
        '"{0}" is not a Microsoft Graph host this extension sends tokens to. ' +
          'Security Copilot is only available on https://graph.microsoft.com (or a loopback emulator).',
        url.host,
      ),
    };
  }
  return { ok: true, origin: url.origin, isEmulator: false };
}

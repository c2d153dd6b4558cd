// Where sign-in requests of the `@azure/identity` methods may go. No `vscode` import: unit-tested in plain Node.
import * as l10n from '@vscode/l10n';

export type AuthorityCheck =
  | { ok: true; origin: string; isLoopback: boolean; warning?: string }
  | { ok: false; message: string };

export const GLOBAL_AUTHORITY = 'https://login.microsoftonline.com';

/** Entra hosts of the national clouds, where the Security Copilot API is not documented. */
const SOVEREIGN = new Set(['login.microsoftonline.us', 'login.chinacloudapi.cn', 'login.partner.microsoftonline.cn']);

function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/**
 * Accepts an https origin (the global `https://login.microsoftonline.com`, a national cloud's host with a
 * warning) or a loopback origin for a local stand-in. No path, query, credentials or plain http elsewhere.
 */
export function checkAuthorityHost(raw: string): AuthorityCheck {
  const value = (raw ?? '').trim() || GLOBAL_AUTHORITY;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, message: l10n.t('"{0}" is not a URL. Use {1}.', value, GLOBAL_AUTHORITY) };
  }
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
    return { ok: false, message: l10n.t('The authority host must be an origin only, such as {0} (got "{1}").', GLOBAL_AUTHORITY, value) };
  }
  const loopback = isLoopback(url.hostname);
  if (url.protocol !== 'https:' && !(loopback && url.protocol === 'http:')) {
    return { ok: false, message: l10n.t('The authority host must use https (got "{0}").', value) };
  }
  const result: AuthorityCheck = { ok: true, origin: url.origin, isLoopback: loopback };
  if (SOVEREIGN.has(url.hostname.toLowerCase())) {
    result.warning = l10n.t(
      "{0} is a national cloud's sign-in. The Security Copilot Graph API is documented for the global cloud " +
        '(graph.microsoft.com) only: sign-in may work, but Graph will likely refuse its token. Unless Microsoft says otherwise ' +
        'for your tenant, set "Security Copilot › Auth: Authority Host" to {1}.',
      url.hostname,
      GLOBAL_AUTHORITY,
    );
  }
  return result;
}

import * as vscode from 'vscode';
import { relativeTime } from '../core/time';
import { compareInstants, idKey } from '../engine/time';
import type { describeError } from '../errors';
import type { Session } from '../graph';
import { validateId, validateSessionIdInput } from '../graph/validate';
import type { Copilot } from '../service';
import { sessionLabel } from '../shared/protocol';

/** Stop listing after this many sessions; the "session ID" entry still reaches any other. */
const MAX_PICKER_SESSIONS = 2000;

export type PickResult = { kind: 'session'; id: string } | { kind: 'new' };

type Item = vscode.QuickPickItem & { result?: PickResult; byId?: true };

const byIdLabel = (): string => `$(key) ${vscode.l10n.t('Open by session ID…')}`;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function newSessionItem(s: Session): Item {
  return {
    label: `$(comment-discussion) ${sessionLabel(s.displayName)}`,
    description: relativeTime(s.lastModifiedDateTime ?? s.createdDateTime, Date.now(), vscode.env.language),
    detail: s.id,
    result: { kind: 'session', id: s.id },
  };
}

/** Asks for a session id with live validation; undefined when cancelled. */
export async function askForSessionId(title: string): Promise<string | undefined> {
  const value = await vscode.window.showInputBox({
    title,
    prompt: vscode.l10n.t('Paste the ID of a Security Copilot session'),
    placeHolder: 'e.g. 71a8abb6-ce18-496c-a8d4-4d0f51986c3e',
    ignoreFocusOut: true,
    validateInput: (v) => {
      const r = validateSessionIdInput(v);
      return r.ok ? undefined : { message: r.message, severity: vscode.InputBoxValidationSeverity.Error };
    },
  });
  if (value === undefined) return undefined;
  const checked = validateSessionIdInput(value);
  return checked.ok ? checked.value : undefined;
}

/**
 * A quick pick of the workspace's sessions, newest first, filled page by page while the user types, with an
 * entry to open a session by its ID (validated before any request) and optionally one to create a session.
 */
export async function pickSession(
  copilot: Copilot,
  options: { title: string; placeHolder?: string; allowNew?: boolean; describeError: typeof describeError },
): Promise<PickResult | undefined> {
  const picker = vscode.window.createQuickPick<Item>();
  picker.title = options.title;
  picker.placeholder = options.placeHolder ?? vscode.l10n.t('Type to filter sessions, or paste a session ID');
  picker.matchOnDescription = true;
  picker.matchOnDetail = true;
  picker.busy = true;
  // Sessions arrive page by page while the picker is open, and a panel or toast updating meanwhile can take focus
  // for a moment; the picker stays until the user picks or presses Escape.
  picker.ignoreFocusOut = true;
  const abort = new AbortController();
  const sessions = new Map<string, Session>();
  for (const s of copilot.engine.list.sessions) sessions.set(idKey(s.id), s);
  const fixedTop: Item[] = options.allowNew ? [{ label: `$(add) ${vscode.l10n.t('New session…')}`, alwaysShow: true, result: { kind: 'new' } }] : [];
  const byIdItem: Item = { label: byIdLabel(), alwaysShow: true, byId: true, description: vscode.l10n.t('paste an ID') };
  let note: Item | undefined;
  // Items keep their identity across re-renders, so a row the user is clicking isn't swapped out under them.
  const itemCache = new Map<string, Item>();
  const sessionItem = (s: Session): Item => {
    const cached = itemCache.get(s.id);
    if (cached && cached.detail === s.id && cached.label === newSessionItem(s).label) return cached;
    const item = newSessionItem(s);
    itemCache.set(s.id, item);
    return item;
  };
  let rendered = '';
  const render = () => {
    // Re-render only when something shown changed: replacing the items while the user clicks can lose the click.
    const key = `${sessions.size}|${note?.label ?? ''}|${byIdItem.label}`;
    if (key === rendered) return;
    rendered = key;
    const active = picker.activeItems[0]?.result;
    const list = [...sessions.values()].sort((a, b) => compareInstants(b.createdDateTime, a.createdDateTime)).map(sessionItem);
    const items = [...fixedTop, ...list, ...(note ? [note] : []), byIdItem];
    picker.items = items;
    if (active?.kind === 'session') {
      const again = items.find((i) => i.result?.kind === 'session' && i.result.id === active.id);
      if (again) picker.activeItems = [again];
    }
  };
  render();
  // A pasted GUID turns the ID entry into "Open session <id>" (checked before any request is made).
  picker.onDidChangeValue((value) => {
    const v = value.trim();
    const id = GUID.test(v) && validateId(v, 'Session ID').ok ? v : undefined;
    const label = id ? `$(key) ${vscode.l10n.t('Open session {0}', id)}` : byIdLabel();
    if (byIdItem.label === label) return;
    byIdItem.label = label;
    byIdItem.description = id ? 'by ID' : 'paste an ID';
    byIdItem.result = id ? { kind: 'session', id } : undefined;
    render();
  });
  const loading = (async () => {
    try {
      let count = 0;
      for await (const s of copilot.client.listSessions(copilot.workspaceId, { top: 50, signal: abort.signal })) {
        sessions.set(idKey(s.id), s);
        copilot.engine.upsertSession(s);
        if (++count % 50 === 0) render();
        if (count >= MAX_PICKER_SESSIONS) break;
      }
    } catch (e) {
      if (abort.signal.aborted) return;
      const view = options.describeError(e);
      note = { label: `$(error) ${view.message}`, alwaysShow: true, description: view.signIn ? 'run "Security Copilot: Sign In"' : '' };
    } finally {
      if (!abort.signal.aborted) {
        picker.busy = false;
        render();
      }
    }
  })();
  try {
    const picked = await new Promise<Item | undefined>((resolve) => {
      // Keep what the user selected: an items update racing the click can empty `selectedItems` by accept time.
      let chosen: Item | undefined;
      picker.onDidChangeSelection((items) => (chosen = items[0] ?? chosen));
      picker.onDidAccept(() => resolve(picker.selectedItems[0] ?? chosen ?? picker.activeItems[0]));
      picker.onDidHide(() => resolve(undefined));
      picker.show();
    });
    if (!picked) return undefined;
    if (picked.byId && !picked.result) {
      picker.hide();
      const id = await askForSessionId(options.title);
      return id ? { kind: 'session', id } : undefined;
    }
    return picked.result;
  } finally {
    abort.abort();
    picker.dispose();
    void loading;
  }
}

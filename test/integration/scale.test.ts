// Scale in the real extension host: 10,000 sessions paged through the sessions tree with Load more.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { idKey } from '../../src/engine';
import { FLAT_SESSIONS, GROUP_SIZE, type Node } from '../../src/views/sessionsTree';
import { api, emulator, reloadSessions, signIn, waitFor } from './helpers';

const TOTAL = 10_000;
const PAGE = 100;

describe('Scale: 10,000 sessions in the tree (in the extension host)', function () {
  this.timeout(600_000);

  before(async () => {
    await signIn();
    await emulator.reset();
    await emulator.configure({ pageSize: PAGE });
    await emulator.seed({ sessions: TOTAL, promptsPerSession: 0 });
    await vscode.workspace.getConfiguration('securityCopilot').update('pageSize', PAGE, vscode.ConfigurationTarget.Global);
    // The view is shown, so VS Code itself asks the tree for its rows as pages arrive.
    await vscode.commands.executeCommand('workbench.view.extension.securityCopilot');
  });

  after(async () => {
    await vscode.workspace.getConfiguration('securityCopilot').update('pageSize', undefined, vscode.ConfigurationTarget.Global);
    await emulator.reset();
    const a = await api();
    await reloadSessions(a);
  });

  it('pages through every session with Load more; each is a row once, the oldest is reachable; the root is not redrawn for every page', async () => {
    const a = await api();
    await reloadSessions(a);
    assert.equal(a.copilot.engine.list.sessions.length, PAGE);

    const refreshed: (Node | undefined)[] = [];
    const listener = a.tree.onDidChangeTreeData((n) => refreshed.push(n ?? undefined));
    let pages = 1;
    try {
      while (a.copilot.engine.list.hasMore) {
        await vscode.commands.executeCommand('securityCopilot.loadMoreSessions');
        await waitFor('the page to arrive', () => !a.copilot.engine.list.loadingMore, 60_000);
        pages++;
        assert.ok(pages <= TOTAL / PAGE, `more pages than ${TOTAL / PAGE}`);
      }
    } finally {
      listener.dispose();
    }
    assert.equal(pages, TOTAL / PAGE);

    // The root is redrawn while the flat part fills, when a group is added and at the end, not for every page:
    // the other pages refresh the "Load more" row and the group they filled (VS Code then asks only for those).
    const rootRefreshes = refreshed.filter((n) => n === undefined).length;
    const maxRoot = FLAT_SESSIONS / PAGE + (TOTAL - FLAT_SESSIONS) / GROUP_SIZE + 1;
    assert.ok(rootRefreshes <= maxRoot, `${rootRefreshes} root refreshes for ${pages} pages (at most ${maxRoot})`);

    // Every session is a row, once: the newest at the root, the older ones in groups.
    const root = a.tree.getChildren();
    const groups = root.filter((n): n is Node & { kind: 'group' } => n.kind === 'group');
    assert.equal(root.filter((n) => n.kind === 'session').length, FLAT_SESSIONS);
    assert.equal(groups.length, (TOTAL - FLAT_SESSIONS) / GROUP_SIZE);
    assert.ok(!root.some((n) => n.kind === 'loadMore'), 'no Load more after the last page');
    const rows = [...root, ...groups.flatMap((g) => a.tree.getChildren(g))].filter((n): n is Node & { kind: 'session' } => n.kind === 'session');
    assert.equal(rows.length, TOTAL);
    assert.equal(new Set(rows.map((r) => idKey(r.sessionId))).size, TOTAL);
    const label = (n: Node) => {
      const l = a.tree.getTreeItem(n).label;
      return typeof l === 'string' ? l : l?.label;
    };
    assert.equal(label(groups[0]), `Sessions ${(FLAT_SESSIONS + 1).toLocaleString('en-US')}–${(FLAT_SESSIONS + GROUP_SIZE).toLocaleString('en-US')}`);

    // The last row is the oldest session the service holds, and it can be revealed (and selected) in the view.
    const state = (await fetch(`${emulator.url}/_emulator/state`).then((r) => r.json())) as { sessions: { id: string; createdDateTime: string }[] };
    const oldest = [...state.sessions].sort((x, y) => x.createdDateTime.localeCompare(y.createdDateTime))[0];
    const last = rows.at(-1)!;
    assert.equal(idKey(last.sessionId), idKey(oldest.id));
    assert.equal(a.tree.getParent(last), groups.at(-1));
    await a.tree.view.reveal(last, { select: true, focus: false });
    await waitFor('the oldest session to be selected in the view', () => a.tree.view.selection.some((n) => n.kind === 'session' && idKey(n.sessionId) === idKey(oldest.id)));
  });
});

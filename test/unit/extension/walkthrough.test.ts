// The getting-started walkthrough and the packaged README: what a new user reads must be complete and true.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  MAC_BROKER_REDIRECT_URI,
  PERMISSION,
  READ_PERMISSION,
  REDIRECT_URIS,
  SETUP_VALUES,
  WALKTHROUGH_ID,
  brokerRedirectUri,
  setupValue,
} from '../../../src/core/appRegistration';

const ROOT = path.resolve(__dirname, '../../../..');
const read = (f: string): string => fs.readFileSync(path.join(ROOT, f), 'utf8');

interface Step {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string; image?: string };
  completionEvents?: string[];
}
interface Manifest {
  name: string;
  publisher: string;
  contributes: {
    commands: { command: string }[];
    walkthroughs: { id: string; title: string; description: string; steps: Step[] }[];
  };
}

/** package.json with its %key% placeholders replaced from package.nls.json (as VS Code shows it). */
function manifest(): Manifest {
  const nls = fs.existsSync(path.join(ROOT, 'package.nls.json')) ? (JSON.parse(read('package.nls.json')) as Record<string, string>) : {};
  const text = read('package.json').replace(/"%([^%"]+)%"/g, (whole, key: string) => (key in nls ? JSON.stringify(nls[key]) : whole));
  return JSON.parse(text) as Manifest;
}

/** `.vscodeignore` semantics for our file: everything ignored (`**`), then `!pattern` lines bring files back. */
function packaged(file: string): boolean {
  const patterns = read('.vscodeignore').split('\n').map((l) => l.trim()).filter((l) => l.startsWith('!')).map((l) => l.slice(1));
  return patterns.some((p) => {
    const re = new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*/g, '\0').replace(/\*/g, '[^/]*').replace(/\0/g, '.*')}$`);
    return re.test(file);
  });
}

const WORKBENCH_COMMANDS = new Set(['workbench.action.openSettings']);

describe('getting-started walkthrough', () => {
  const m = manifest();
  const walkthrough = m.contributes.walkthroughs.find((w) => `${m.publisher}.${m.name}#${w.id}` === WALKTHROUGH_ID);

  it('is the one Open Walkthrough opens', () => {
    assert.ok(walkthrough, `package.json has no walkthrough ${WALKTHROUGH_ID}`);
  });

  it('goes from the app registration through settings and sign-in to a workspace and a first session', () => {
    assert.deepEqual(walkthrough?.steps.map((s) => s.id), ['appRegistration', 'settings', 'signIn', 'workspace', 'firstSession']);
    const links = (s: Step) => [...s.description.matchAll(/\]\(command:([\w.]+)(?:\?([^)]*))?\)/g)].map((x) => [x[1], x[2] ? JSON.parse(decodeURIComponent(x[2])) : undefined]);
    const byId = new Map(walkthrough?.steps.map((s) => [s.id, links(s)]));
    assert.deepEqual(byId.get('appRegistration'), [
      ['securityCopilot.copySetupValue', ['redirectUris']],
      ['securityCopilot.copySetupValue', ['permission']],
      ['securityCopilot.openSetupGuide', undefined],
    ]);
    assert.deepEqual(byId.get('settings')?.[0], ['workbench.action.openSettings', ['securityCopilot']]);
    assert.deepEqual(byId.get('signIn')?.map((l) => l[0]), ['securityCopilot.signIn', 'securityCopilot.openSetupGuide']);
    assert.deepEqual(byId.get('workspace')?.map((l) => l[0]), ['securityCopilot.selectWorkspace']);
    assert.deepEqual(byId.get('firstSession')?.map((l) => l[0]), ['securityCopilot.createSession']);
  });

  it('links only commands that exist, and the copy buttons only values the command knows', () => {
    const contributed = new Set(m.contributes.commands.map((c) => c.command));
    for (const step of walkthrough?.steps ?? []) {
      for (const [, command, args] of step.description.matchAll(/\]\(command:([\w.]+)(?:\?([^)]*))?\)/g)) {
        assert.ok(contributed.has(command) || WORKBENCH_COMMANDS.has(command), `${step.id}: unknown command ${command}`);
        if (command === 'securityCopilot.copySetupValue') {
          const [name] = JSON.parse(decodeURIComponent(args ?? '[]')) as string[];
          assert.ok(SETUP_VALUES.includes(name as never), `${step.id}: copySetupValue does not know "${name}"`);
        }
      }
      for (const event of step.completionEvents ?? []) {
        const command = /^onCommand:(.+)$/.exec(event)?.[1];
        if (command) assert.ok(contributed.has(command), `${step.id}: completion event for unknown command ${command}`);
      }
    }
  });

  it('every step has a Markdown page that exists and is packaged', () => {
    for (const step of walkthrough?.steps ?? []) {
      const file = step.media.markdown;
      assert.ok(file, `${step.id} has no Markdown media`);
      assert.ok(fs.existsSync(path.join(ROOT, file)), `${file} is missing`);
      assert.ok(packaged(file), `${file} is not in the package (.vscodeignore)`);
    }
  });

  it('the app registration page, the copy buttons and the README give the same redirect URIs and permission', () => {
    const page = read('media/walkthrough/app-registration.md');
    const readme = read('README.md');
    const setup = readme.slice(readme.indexOf('## Set up an app registration'), readme.indexOf('## Sign-in methods'));
    for (const uri of REDIRECT_URIS) {
      assert.ok(page.includes(uri), `walkthrough page lacks ${uri}`);
      assert.ok(setup.includes(uri), `README's app-registration section lacks ${uri}`);
    }
    for (const text of [PERMISSION, READ_PERMISSION, MAC_BROKER_REDIRECT_URI, brokerRedirectUri('')]) {
      assert.ok(page.includes(text), `walkthrough page lacks ${text}`);
    }
    assert.ok(setup.includes(PERMISSION) && setup.includes(MAC_BROKER_REDIRECT_URI) && setup.includes(brokerRedirectUri('')));
    assert.equal(setupValue('redirectUris', ''), 'http://localhost\nhttps://vscode.dev/redirect');
    assert.equal(setupValue('permission', ''), 'SecurityCopilotWorkspaces.ReadWrite.All');
    assert.equal(setupValue('brokerRedirectUri', '1234'), 'ms-appx-web://Microsoft.AAD.BrokerPlugin/1234');
    assert.equal(setupValue('anything else', ''), undefined);
    assert.equal(setupValue(undefined, ''), undefined);
  });

  it('the sign-in page covers the AADSTS errors the extension explains, guests included', () => {
    const page = read('media/walkthrough/sign-in.md');
    for (const code of ['AADSTS65002', 'AADSTS50011', 'AADSTS7000218', 'AADSTS700016', 'AADSTS50020', 'AADSTS90072', '403']) {
      assert.ok(page.includes(code), `sign-in page lacks ${code}`);
    }
  });
});

describe('the packaged README', () => {
  it('ships every image it shows (relative links resolve inside the installed extension)', () => {
    const readme = read('README.md');
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((x) => x[1]);
    assert.ok(images.length >= 5, 'the README shows its screenshots');
    for (const src of images) {
      if (/^https:\/\//.test(src)) continue;
      assert.ok(!/^[a-z]+:/i.test(src), `${src}: only https or relative links`);
      assert.ok(fs.existsSync(path.join(ROOT, src)), `${src} does not exist`);
      assert.ok(packaged(src), `${src} is not in the package (.vscodeignore)`);
    }
  });

  it('keeps the shipped screenshots small enough for a vsix under 1 MiB', () => {
    const dir = path.join(ROOT, 'docs', 'screenshots');
    const total = fs.readdirSync(dir).filter((f) => f.endsWith('.png')).reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
    assert.ok(total < 450 * 1024, `docs/screenshots holds ${Math.round(total / 1024)} KiB of PNG: compress them (pngquant --quality=70-95)`);
  });
});

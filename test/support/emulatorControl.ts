// Control API of the Graph emulator (docs/contracts.md §2), shared by the in-host and browser suites: inject
// faults, script answers, read the recorded Graph requests, reset or seed the state. No vscode, no browser.
import type { AnswerRule, ConfigureSpec, FaultSpec, RecordedRequest, SeedSpec } from '../../emulator/index';

export type { AnswerRule, FaultSpec, RecordedRequest };

/** Base URL of the emulator of this run ($SC_EMULATOR_URL, set by the runners). */
export function emulatorUrl(): string {
  const url = process.env.SC_EMULATOR_URL;
  if (!url) throw new Error('SC_EMULATOR_URL is not set: run the suites through scripts/host/runIntegration.js or runE2E.js');
  return url.replace(/\/$/, '');
}

export class EmulatorControl {
  constructor(private readonly baseUrl?: string) {}

  get url(): string {
    return this.baseUrl ?? emulatorUrl();
  }

  /** Recorded Graph requests with this method whose path matches. */
  async requestsMatching(method: string, path: RegExp): Promise<RecordedRequest[]> {
    return (await this.requests()).filter((r) => r.method === method && path.test(r.path));
  }

  /**
   * Calls the emulator's Graph API directly (not through the extension) in the default workspace, with a setup
   * token: to arrange data, or to read what the service really holds. `route` is relative to the workspace.
   */
  async graph<T = { id: string }>(method: string, route: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}/beta/security/securityCopilot/workspaces/default/${route}`, {
      method,
      headers: { authorization: 'Bearer test-setup', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`emulator Graph ${method} ${route} -> ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  private async call<T>(method: string, route: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}/_emulator/${route}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`emulator ${method} /_emulator/${route} -> ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  health(): Promise<{ ok: boolean }> {
    return this.call('GET', 'health');
  }
  fault(spec: FaultSpec): Promise<void> {
    return this.call('POST', 'faults', spec);
  }
  clearFaults(): Promise<void> {
    return this.call('DELETE', 'faults');
  }
  answer(rule: AnswerRule): Promise<void> {
    return this.call('POST', 'answers', rule);
  }
  clearAnswers(): Promise<void> {
    return this.call('DELETE', 'answers');
  }
  requests(): Promise<RecordedRequest[]> {
    return this.call('GET', 'requests');
  }
  clearRequests(): Promise<void> {
    return this.call('DELETE', 'requests');
  }
  configure(config: ConfigureSpec): Promise<void> {
    return this.call('POST', 'config', config);
  }
  /** Empty state, default configuration, no faults, rules or recorded requests. */
  reset(): Promise<void> {
    return this.call('POST', 'reset');
  }
  /** Adds a workspace besides `default` (GET …/workspaces lists it; seed into it with `workspaceId`). */
  addWorkspace(workspace: { id: string; displayName: string }): Promise<void> {
    return this.call('POST', 'workspaces', workspace);
  }
  seed(spec: SeedSpec): Promise<void> {
    return this.call('POST', 'seed', spec);
  }
  /** Polls the recorded requests until one matches (e.g. to wait for the extension's POST). */
  async waitForRequest(match: (r: RecordedRequest) => boolean, timeoutMs = 15_000): Promise<RecordedRequest> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const found = (await this.requests()).find(match);
      if (found) return found;
      if (Date.now() > end) throw new Error(`no matching request reached the emulator within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** The emulator of this run ($SC_EMULATOR_URL). */
export const emulator = new EmulatorControl();

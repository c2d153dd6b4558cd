// The engine in plain Node against the emulator over real HTTP.
import { type Emulator, startEmulator } from '../../../emulator';
import { CopilotEngine, type EngineHost, type EngineOptions } from '../../../src/engine';
import { SecurityCopilotClient } from '../../../src/graph';

export const WS = 'default';

export interface Rig {
  emulator: Emulator;
  engine: CopilotEngine;
  client: SecurityCopilotClient;
  logs: string[];
  close(): Promise<void>;
}

export async function rig(options: EngineOptions = {}, host: Partial<EngineHost> = {}): Promise<Rig> {
  const emulator = await startEmulator({ port: 0, quiet: true });
  const client = new SecurityCopilotClient({ baseUrl: emulator.url, getToken: async () => 'test-token', retry: { baseDelayMs: 5, maxDelayMs: 20 } });
  const logs: string[] = [];
  const engine = new CopilotEngine(
    {
      client: () => client,
      workspaceId: () => WS,
      pageSize: () => 25,
      log: { info: (m) => logs.push(`info ${m}`), warn: (m) => logs.push(`warn ${m}`), error: (m) => logs.push(`error ${m}`) },
      ...host,
    },
    { firstReadsMs: [50, 100], intervalMs: 150, politeMaxMs: 400, ...options },
  );
  return {
    emulator,
    engine,
    client,
    logs,
    close: async () => {
      engine.dispose();
      await emulator.close();
    },
  };
}

export async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function posts(emulator: Emulator, path: RegExp): number {
  return emulator.requests().filter((r) => r.method === 'POST' && path.test(r.path)).length;
}

export function reads(emulator: Emulator, path: RegExp): number {
  return emulator.requests().filter((r) => r.method === 'GET' && path.test(r.path)).length;
}

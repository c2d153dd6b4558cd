// Command line entry of the emulator, bundled to dist/emulator/cli.js by `node esbuild.js --emulator-only`.
// Prints exactly `listening on http://127.0.0.1:<port>` once listening; logs one line per Graph request
// (method path status ms — never a token) unless --quiet; SIGINT/SIGTERM close it cleanly.
import { startEmulator } from './index';
import { makeLoopbackCertificate, writeCaFile } from './identity/certificate';
import { startIdentityServer } from './identity/server';
import { checkFaultSpec } from './faults';
import { type EmulatorOptions, type FaultSpec } from './types';

const HELP = `Local emulator of the Microsoft Graph beta Security Copilot API.

Usage: node dist/emulator/cli.js [options]

  --port N              port to listen on (default 8787; 0 picks a free port)
  --host H              address to bind (default 127.0.0.1)
  --page-size N         default page size of list responses (default 10)
  --seed SxP            pre-create S sessions with P prompts each, e.g. --seed 30x3
  --seed-base-time ISO  the time seeded dates count back from (default: now)
  --created-ms N        how long a new evaluation stays 'created' (default 400)
  --running-ms N        how long it then stays 'running' (default 1500)
  --expected-token T    accept only this bearer token
  --state-file F        load state from F at start and save every change to it
  --fault JSON          inject a fault (FaultSpec JSON); may be repeated
  --workspace ID=NAME   an additional workspace besides \`default\`; may be repeated
  --identity            also start the Microsoft identity platform stand-in (https on loopback, a certificate
                        made at start); prints \`identity on https://127.0.0.1:<port>\` before the listening line
  --identity-port N     its port (default 0: a free port)
  --identity-ca-file F  write its certificate to F (for NODE_EXTRA_CA_CERTS)
  --latency-ms N        add N ms to every Graph HTTP request (a network round trip; a $batch pays it once)
  --no-batch            refuse POST /beta/$batch with 404 (a service without JSON batching)
  --quiet               do not log requests
  --help                show this help

Control API: GET /_emulator/health, POST|DELETE /_emulator/faults, POST|DELETE /_emulator/answers,
GET|DELETE /_emulator/requests, POST /_emulator/config, POST /_emulator/reset, POST /_emulator/seed.
`;

export interface CliOptions {
  options: EmulatorOptions;
  faults: FaultSpec[];
  help: boolean;
  identity?: { port: number; caFile?: string };
}

function intArg(flag: string, value: string | undefined, min: number): number {
  if (value === undefined || !/^\d+$/.test(value) || parseInt(value, 10) < min) {
    throw new Error(`${flag} needs an integer >= ${min}`);
  }
  return parseInt(value, 10);
}

export function parseArgs(argv: string[]): CliOptions {
  const options: EmulatorOptions = { port: 8787, quiet: false };
  const faults: FaultSpec[] = [];
  let help = false;
  let identity: CliOptions['identity'];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--help':
      case '-h':
        help = true;
        break;
      case '--quiet':
        options.quiet = true;
        break;
      case '--latency-ms':
        options.latencyMs = intArg(flag, value(), 0);
        break;
      case '--no-batch':
        options.batch = { ...options.batch, enabled: false };
        break;
      case '--port':
        options.port = intArg(flag, value(), 0);
        break;
      case '--host':
        options.host = value();
        if (!options.host) throw new Error('--host needs a value');
        break;
      case '--page-size':
        options.pageSize = intArg(flag, value(), 1);
        break;
      case '--created-ms':
        options.evaluation = { ...options.evaluation, createdMs: intArg(flag, value(), 0) };
        break;
      case '--running-ms':
        options.evaluation = { ...options.evaluation, runningMs: intArg(flag, value(), 0) };
        break;
      case '--seed': {
        const v = value() ?? '';
        const m = /^(\d+)x(\d+)$/i.exec(v);
        if (!m) throw new Error('--seed needs SESSIONSxPROMPTS, e.g. 30x3');
        options.seed = { ...options.seed, sessions: parseInt(m[1], 10), promptsPerSession: parseInt(m[2], 10) };
        break;
      }
      case '--seed-base-time': {
        const v = value() ?? '';
        if (Number.isNaN(Date.parse(v))) throw new Error('--seed-base-time needs an ISO date');
        options.seed = { sessions: 0, promptsPerSession: 0, ...options.seed, baseTime: v };
        break;
      }
      case '--expected-token':
        options.expectedToken = value();
        if (!options.expectedToken) throw new Error('--expected-token needs a value');
        break;
      case '--state-file':
        options.stateFile = value();
        if (!options.stateFile) throw new Error('--state-file needs a path');
        break;
      case '--fault': {
        const v = value() ?? '';
        let spec: unknown;
        try {
          spec = JSON.parse(v);
        } catch {
          throw new Error(`--fault needs FaultSpec JSON, got ${v}`);
        }
        const problem = checkFaultSpec(spec);
        if (problem) throw new Error(`--fault: ${problem}`);
        faults.push(spec as FaultSpec);
        break;
      }
      case '--workspace': {
        const v = value() ?? '';
        const m = /^([0-9A-Za-z-]{1,64})=(.+)$/.exec(v);
        if (!m || m[1].toLowerCase() === 'default') throw new Error('--workspace needs ID=NAME (ID: letters, digits, dashes; not "default")');
        options.workspaces = [...(options.workspaces ?? []), { id: m[1], displayName: m[2] }];
        break;
      }
      case '--identity':
        identity = { port: 0, ...identity };
        break;
      case '--identity-port':
        identity = { ...identity, port: intArg(flag, value(), 0) };
        break;
      case '--identity-ca-file': {
        const caFile = value();
        if (!caFile) throw new Error('--identity-ca-file needs a path');
        identity = { port: 0, ...identity, caFile };
        break;
      }
      default:
        throw new Error(`unknown argument ${arg} (see --help)`);
    }
  }
  return { options, faults, help, ...(identity ? { identity } : {}) };
}

async function main(): Promise<void> {
  let parsed: CliOptions;
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`emulator: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 2;
    return;
  }
  if (parsed.help) {
    process.stdout.write(HELP);
    return;
  }
  let closeIdentity: (() => Promise<void>) | undefined;
  if (parsed.identity) {
    const tls = await makeLoopbackCertificate();
    if (parsed.identity.caFile) writeCaFile(parsed.identity.caFile, tls);
    const idp = await startIdentityServer({ tls, port: parsed.identity.port });
    closeIdentity = () => idp.close();
    console.log(`identity on ${idp.url}`);
  }
  const emulator = await startEmulator({ ...parsed.options, log: (line) => console.log(line) });
  for (const f of parsed.faults) emulator.addFault(f);
  console.log(`listening on ${emulator.url}`);
  let closing = false;
  const stop = (): void => {
    if (closing) return;
    closing = true;
    Promise.all([emulator.close(), closeIdentity?.()]).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(`emulator: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}

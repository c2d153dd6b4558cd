// A faithful local emulator of the Microsoft Graph beta Security Copilot API (real HTTP on loopback), for unit,
// integration and end-to-end tests, demos and benchmarks. See docs/contracts.md section 2.
import { EmulatorServer } from './server';
import { type Emulator, type EmulatorOptions } from './types';

export type {
  AnswerRule,
  BatchOptions,
  ConfigureSpec,
  Emulator,
  EmulatorOptions,
  EvaluationResultType,
  EvaluationTiming,
  FaultKind,
  FaultSpec,
  RecordedRequest,
  SeedSpec,
} from './types';
export { defaultAnswer, failureMessage } from './answers';
export { READ_SCOPE, WRITE_SCOPE } from './auth';
export { DEFAULT_WORKSPACE, PLUGINS } from './state';

/** Starts the emulator on 127.0.0.1 (port 0 = a free port) and resolves once it is listening. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const server = new EmulatorServer(options);
  await server.listen();
  return server;
}

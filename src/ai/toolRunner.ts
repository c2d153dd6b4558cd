import { isCancelledError } from '../graph/errors';
import type { ErrorView } from '../core/errorView';
import type { Copilot } from '../service';
import type { PrivacyNote } from './privacy';
import {
  parseAskInput,
  parseListInput,
  parseTranscriptInput,
  runAsk,
  runList,
  runTranscript,
  READ_ONLY_MESSAGE,
  TOOL_NAMES,
  ToolInputError,
  type ToolContext,
  type ToolName,
} from './tools';

/** A tool failed: the message says what happened and what to do, in words a model can relay to the user. */
export class ToolFailure extends Error {
  override readonly name = 'ToolFailure';
  constructor(
    message: string,
    readonly cancelled = false,
  ) {
    super(message);
  }
}

export interface ToolCallResult {
  text: string;
  sessionId?: string;
  promptId?: string;
}

/**
 * Runs the Security Copilot tools for the language model tools and the MCP server alike, through the extension's
 * engine and sign-in. Cancelling an ask stops waiting and asks the service to cancel the evaluation where it can.
 */
export class ToolRunner {
  constructor(
    private readonly copilot: Copilot,
    private readonly privacy: PrivacyNote,
    /** The extension bundle's error mapping (src/errors.ts), passed in: dist/ai.js has no copy of it. */
    private readonly describeError: (error: unknown) => ErrorView,
  ) {}

  get context(): ToolContext {
    return { engine: this.copilot.engine, workspaceId: () => this.copilot.workspaceId };
  }

  async call(name: ToolName | string, raw: unknown, signal?: AbortSignal): Promise<ToolCallResult> {
    try {
      switch (name) {
        case TOOL_NAMES.ask:
          return await this.ask(raw, signal);
        case TOOL_NAMES.list: {
          const r = await runList(this.context, parseListInput(raw));
          return { text: r.text };
        }
        case TOOL_NAMES.transcript: {
          const input = parseTranscriptInput(raw);
          const r = await runTranscript(this.context, input);
          return { text: r.text, sessionId: input.sessionId };
        }
        default:
          throw new ToolInputError(`Unknown tool ${name}.`);
      }
    } catch (e) {
      if (e instanceof ToolFailure) throw e;
      if (e instanceof ToolInputError) throw new ToolFailure(`Invalid input: ${e.message}`);
      const view = this.describeError(e);
      if (view.cancelled || isCancelledError(e)) throw new ToolFailure('Cancelled.', true);
      this.copilot.log.warn(`Tool ${name} failed: ${view.message}`);
      const action = view.signIn
        ? ' The user must run "Security Copilot: Sign In" in VS Code, then try again.'
        : view.setupGuide
          ? ' The user should run "Security Copilot: Open Setup Guide" in VS Code.'
          : '';
      throw new ToolFailure(`Security Copilot: ${view.message}${action}`);
    }
  }

  private async ask(raw: unknown, signal: AbortSignal | undefined): Promise<ToolCallResult> {
    const input = parseAskInput(raw);
    if (this.copilot.readOnly) throw new ToolFailure(`Security Copilot: ${READ_ONLY_MESSAGE}`);
    this.privacy.notifyOnce(this.copilot.workspaceId);
    let running: { sessionId: string; promptId: string } | undefined;
    const onAbort = (): void => {
      // Stop waiting (the engine keeps following, the panel shows the answer) and cancel where supported.
      if (running) void this.copilot.engine.cancel(running.sessionId, running.promptId).catch(() => undefined);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const r = await runAsk(this.context, input, {
        signal,
        onUpdate: (entry) => (running = { sessionId: entry.sessionId, promptId: entry.prompt.id }),
      });
      return { text: r.text, sessionId: r.sessionId, promptId: r.promptId };
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }
}

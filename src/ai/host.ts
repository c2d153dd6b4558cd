// What dist/ai.js (src/ai/features.ts) gets from the extension bundle through its factory: the live objects
// (Copilot and its engine, the log) and the functions whose modules must not have a second copy in dist/ai.js
// (the error mapping with its redaction rules, the masking loader, the settings). Types only.
import type * as vscode from 'vscode';
import type { MaskingSettings } from '../config';
import type { ErrorView } from '../core/errorView';
import type { MaskOptions, MaskOutcome } from '../masking/load';
import type { Copilot } from '../service';

export type Masker = (text: string, options?: MaskOptions) => Promise<MaskOutcome>;

export interface AiHost {
  readonly copilot: Copilot;
  readonly globalState: vscode.Memento;
  readonly extensionPath: string;
  readonly version: string;
  readonly chatEnabled: () => boolean;
  readonly mcpEnabled: () => boolean;
  readonly describeError: (error: unknown) => ErrorView;
  readonly maskSecrets: Masker;
  readonly readMaskingSettings: () => MaskingSettings;
}

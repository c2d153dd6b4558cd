// What dist/promptbook.js (src/promptbook/features.ts) gets from the extension bundle through its factory: the
// live Copilot (engine, log, read-only state) and the functions whose modules must not have a second copy in
// dist/promptbook.js (the error mapping with its redaction rules, the read-only message). Types only.
import type { ErrorView } from '../core/errorView';
import type { Copilot } from '../service';

export interface PromptbookHost {
  readonly copilot: Copilot;
  readonly describeError: (error: unknown) => ErrorView;
  readonly readOnlyRefusal: () => string;
}

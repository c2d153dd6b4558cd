// The engine's public surface. Every way of asking Security Copilot (panel, tree, export, chat, tools,
// promptbooks) goes through one CopilotEngine per window.
export { CopilotEngine, EngineError, finalOutcome } from './engine';
export { Emitter, type Event, type Subscription } from './events';
export { ReadBudget } from './readBudget';
export { compareInstants, idKey, instantOf, msOf, sameId } from './time';
export type * from './types';

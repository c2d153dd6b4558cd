// The ids VS Code knows the chat surfaces by (package.json contributes them). In the extension bundle, which
// registers them at activation; everything else of src/ai is in dist/ai.js (see src/ai/index.ts).
export const PARTICIPANT_ID = 'securityCopilot.chat';
export const MCP_PROVIDER_ID = 'securityCopilot.mcp';

export const TOOL_NAMES = {
  ask: 'securityCopilot_ask_question',
  list: 'securityCopilot_list_sessions',
  transcript: 'securityCopilot_get_transcript',
} as const;

export type ToolName = (typeof TOOL_NAMES)[keyof typeof TOOL_NAMES];

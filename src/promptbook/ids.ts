// What VS Code knows promptbooks by (package.json contributes them). In the extension bundle, which registers
// the serializer at activation; the rest of src/promptbook is in dist/promptbook.js (see src/promptbook/index.ts).
export const PROMPT_LANGUAGE = 'security-copilot-prompt';
export const NOTEBOOK_TYPE = 'security-copilot-promptbook';

import { resolveSessionId, type CommandDefinition } from './context';

export const openSession: CommandDefinition = {
  id: 'securityCopilot.openSession',
  verb: 'open the session',
  run: async (ctx, arg) => {
    const id = await resolveSessionId(ctx, arg, 'Open Session');
    if (id === undefined) return undefined;
    ctx.panels.show(id);
    void ctx.tree.reveal(id);
    return id;
  },
};

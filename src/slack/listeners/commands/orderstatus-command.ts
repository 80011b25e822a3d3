import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { parseSlashCommand, type SlashCommand } from '../../../domain/parse-command.ts';
import { workspaceOf } from '../../workspace-of.ts';

export type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

type Handler<K extends SlashCommand['kind']> = (
  args: CommandArgs,
  parsed: Extract<SlashCommand, { kind: K }>,
  workspaceId: string,
) => Promise<void>;

/** One handler per subcommand (each acks first); a new subcommand is one more entry. */
export type SubcommandHandlers = { [K in SlashCommand['kind']]: Handler<K> };

/** `/orderstatus …`: reads the line and hands it to its subcommand's handler. */
export function createOrderStatusCommand(
  handlers: SubcommandHandlers,
  onCommand: (kind: SlashCommand['kind']) => void = () => undefined,
) {
  return async (args: CommandArgs) => {
    const parsed = parseSlashCommand(args.command.text ?? '');
    onCommand(parsed.kind);
    const workspaceId = workspaceOf(args.context);
    if (parsed.kind === 'help') return handlers.help(args, parsed, workspaceId ?? '');
    if (!workspaceId) {
      await args.ack({
        response_type: 'ephemeral',
        text: 'This request did not say which workspace it came from.',
      });
      return;
    }
    return dispatch(handlers, args, parsed, workspaceId);
  };
}

/** The subcommand's own handler (the correlated types of `handlers[kind]` and `parsed` need one cast). */
function dispatch<K extends SlashCommand['kind']>(
  handlers: SubcommandHandlers,
  args: CommandArgs,
  parsed: Extract<SlashCommand, { kind: K }>,
  workspaceId: string,
): Promise<void> {
  const handler = handlers[parsed.kind as K] as Handler<K>;
  return handler(args, parsed, workspaceId);
}

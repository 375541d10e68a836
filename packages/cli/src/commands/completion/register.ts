import { Argument, type Command } from '../../lib/commander.js';
import { examples, type Run } from '../../lib/commands.js';

/** `bbk completion <shell>`: generated from the whole program, so registered last. */
export function registerCompletion(program: Command, run: Run): void {
  program
    .command('completion')
    .description('print a shell completion script')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(['bash', 'zsh', 'fish']))
    .addHelpText(
      'after',
      examples('source <(bbk completion bash)', 'bbk completion fish > ~/.config/fish/completions/bbk.fish'),
    )
    .action(
      run(undefined, async () => {
        const { completion } = await import('./index.js');
        return (options, ctx) => completion({ ...options, program }, ctx);
      }),
    );
}

import type { Command } from 'commander';
import { examples, type Run } from '../../lib/commands.js';

/** `bbk violations` (Coordinator API, bbk extension). */
export function registerViolations(program: Command, run: Run): void {
  const violations = program
    .command('violations')
    .description('accesses flagged by the violation detectors, with severity and evidence (Coordinator API)')
    .option('--user <uid>', "only this user's flags")
    .option('--policy <pid>', 'only flags of accesses to this policy')
    .option('--detector <name>', 'only this detector: rate-limit, enumeration, masked-paths or geo-tiling')
    .addHelpText('after', examples('bbk violations', 'bbk violations --user 2 --json', 'bbk violations dismiss 7'))
    .action(run('coordinator', async () => (await import('./index.js')).violationList));
  violations
    .command('dismiss <id>')
    .description('dismiss a flag (the detector may raise a new one later)')
    .action(run('coordinator', async () => (await import('./index.js')).violationDismiss));
}

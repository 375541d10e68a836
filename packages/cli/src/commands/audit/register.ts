import type { Command } from '../../lib/commander.js';
import { examples, type Run } from '../../lib/commands.js';

/** `bbk audit tail|verify` (Coordinator API; `verify --data-dir` reads the database itself). */
export function registerAudit(program: Command, run: Run): void {
  const audit = program
    .command('audit')
    .description('read and verify the tamper-evident audit log (Coordinator API)')
    .addHelpText(
      'after',
      examples('bbk audit tail -n 50', 'bbk audit tail --follow --actor coordinator', 'bbk audit verify'),
    );
  const load = async () => import('./index.js');
  audit
    .command('tail')
    .description('print the last entries, oldest first; --follow keeps printing new ones')
    .option('-n, --lines <n>', 'how many entries (1-1000, default 20)')
    .option('--actor <actor>', 'only this actor (coordinator:3), or every actor of a kind (coordinator)')
    .option('--target <target>', 'only this target (policy:open), or every target of a kind (policy)')
    .option('--action <action>', 'only this action (token.issue, session.commit, consumer.activity…)')
    .option('--since <iso>', 'only entries at or after this ISO-8601 time')
    .option('-f, --follow', 'keep polling for new entries until interrupted')
    .addHelpText(
      'after',
      examples('bbk audit tail --target policy:open --json', 'bbk audit tail --since 2025-01-01 -n 1000 -o yaml'),
    )
    .action(run('coordinator', async () => (await load()).auditTail));
  audit
    .command('verify')
    .description('check the hash chain: exit 0 when intact, 8 naming the first broken entry')
    .option('--data-dir <dir>', 'verify the database of this data directory directly (read-only), not over the API')
    .option(
      '--database <url>',
      'verify a PostgreSQL database directly (read-only; schema: env BBK_DATABASE_SCHEMA), not over the API',
    )
    .addHelpText(
      'after',
      examples(
        'bbk audit verify --json',
        'bbk audit verify --data-dir ./.bbk',
        'BBK_DATABASE_SCHEMA=bbk bbk audit verify --database postgres://bbk@db.example.org/bbk',
      ),
    )
    .action(run('coordinator', async () => (await load()).auditVerify));
}

import type { Command } from 'commander';
import { collect, consumerFlags, examples, type Run } from '../../lib/commands.js';

/** `bbk catalog query|types` (Consumer API), `bbk catalog explain` (Coordinator API). */
export function registerCatalog(program: Command, run: Run): void {
  const catalog = program
    .command('catalog')
    .description('query the catalog (Consumer API)')
    .addHelpText('after', examples(`bbk catalog query '{"type":"country"}' --all --json`, 'bbk catalog types'));
  consumerFlags(
    catalog
      .command('query [query]')
      .description('records matching a JSON query, ANDed with --where conditions and --type')
      .option('--where <condition>', 'PATH OP VALUE with OP one of = != > >= < <= ~ ~* in nin (repeatable)', collect)
      .option('--type <type>', 'only records of this entity type'),
    true,
  )
    .addHelpText(
      'after',
      examples(
        `bbk catalog query '{"entity.population": {"$gt": 1000000000}}'`,
        `bbk catalog query --type country --where 'entity.continent=Europe' --where 'entity.landlocked=true' --all --json`,
        `bbk catalog query --type country --where 'entity.capital = Paris' -o json --fields id,name`,
      ),
    )
    .action(run('consumer', async () => (await import('./index.js')).catalogQuery));
  consumerFlags(catalog.command('types').description('entity types with records you can see'), true).action(
    run('consumer', async () => (await import('./index.js')).catalogTypes),
  );
  catalog
    .command('explain [query]')
    .description('how a consumer list runs: its plan, the indexes it reads, the rows it looks at (Coordinator API)')
    .option('--where <condition>', 'PATH OP VALUE, as for bbk catalog query (repeatable)', collect)
    .option('--type <type>', "an entity type's list (as GET /entity/:type), or with a query, that type's records")
    .option('--policy <pid>', 'run it under this policy (its segment and masks), as its consumers do')
    .option('--limit <n>', 'page size')
    .option('--offset <n>', 'records skipped')
    .addHelpText(
      'after',
      examples(
        `bbk catalog explain '{"entity.continent": "Asia"}' --policy asia`,
        `bbk catalog explain --type country --offset 50000 --json`,
      ),
    )
    .action(run('coordinator', async () => (await import('./index.js')).catalogExplain));
}

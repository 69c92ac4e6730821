import type { Command } from 'commander';
import type { LocalityView } from '../../../../contracts/localities.js';
import type { Action } from '../../cli.js';
import type { CliContext } from '../../context.js';
import { choose } from '../../names.js';
import { table } from '../../output.js';
import type { StrongroomClient } from '../../../sdk/node.js';

/** `localities list|add`: the areas of the partnership a family is supported in (ISA 2.2). */
export function registerLocalityCommands(program: Command, action: Action): void {
  const localities = program
    .command('localities')
    .description('Localities: the areas of the partnership (each with its Locality Meeting) a family is placed in')
    .addHelpText(
      'after',
      '\nA locality is a short area name kept by the ISA team ("North", "Central", "South"); the programme\n' +
        'report counts by it. Place a family in one with `strongroom families set-locality EH-2026-0001 North`.',
    );
  localities.command('list').description('Every locality on the list').action(action(listLocalities));
  localities
    .command('add <name>')
    .description('Add a locality to the list (ISA administrators); a name already on it is refused')
    .addHelpText('after', '\nExample:\n  strongroom localities add "North"')
    .action(action(addLocality));
}

/** `localities list`. */
export async function listLocalities(ctx: CliContext): Promise<void> {
  const { client } = await ctx.sessionClient();
  const rows = await client.localities();
  ctx.print(rows, () =>
    rows.length
      ? table(rows, [
          ['name', 'LOCALITY'],
          ['id', 'ID'],
        ])
      : 'No localities yet: the ISA team adds them with `strongroom localities add NAME`.\n',
  );
}

/** `localities add NAME`. */
export async function addLocality(ctx: CliContext, _o: unknown, name: string): Promise<void> {
  const { client } = await ctx.sessionClient();
  const added = await client.addLocality(name);
  ctx.print(added, `Locality "${added.name}" added (id ${added.id}).\n`);
}

/** A locality named by its name (any case) or id, from the list. */
export async function resolveLocality(client: StrongroomClient, which: string): Promise<LocalityView> {
  const all = await client.localities();
  const id = choose(
    which,
    all.map((l) => ({ id: l.id, label: l.name, names: [l.name] })),
    { noun: 'locality', plural: 'localities', namedBy: 'its name', list: 'localities list' },
  );
  return all.find((l) => l.id === id) ?? { id, name: which, createdAt: '' };
}

/**
 * The values that start with `prefix`, case-insensitively, the same on every engine (spec §2.8): both sides are
 * lower-cased by JavaScript, with Unicode's full case mapping (`Élan` for `é`, `Ωmega` for `ω`), where SQLite's
 * `lower()` maps ASCII letters only. The values are the distinct organizations or tags of an instance: few enough to
 * read whole for a coordinator's search.
 * @example startingWith(['Élan Corp', 'Acme'], 'é') // ['Élan Corp']
 */
export function startingWith(values: readonly string[], prefix: string): string[] {
  const folded = prefix.toLowerCase();
  return values.filter((v) => v.toLowerCase().startsWith(folded));
}

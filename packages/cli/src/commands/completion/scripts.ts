import { allCommands, type CommandSpec, globalOptions, type OptionSpec } from './tree.js';

const flags = (options: readonly OptionSpec[]) =>
  options.flatMap((o) => [o.long, o.short].filter((f): f is string => Boolean(f)));

/** Shell-quotes a text in single quotes. */
const sq = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * A bash completion script (`source <(bbk completion bash)`): subcommands, options and option choices;
 * files where a value is free-form.
 */
export function bashScript(root: CommandSpec): string {
  const commands = allCommands(root);
  const globals = flags(globalOptions(root));
  const known = commands
    .filter((c) => c !== root)
    .map((c) => sq(c.path))
    .join('|');
  const words = commands
    .map((c) => {
      const list = [...c.commands.map((s) => s.name), ...c.argumentChoices, ...flags(c.options)];
      return `    ${sq(c.path)}) words=${sq([...new Set(list)].join(' '))} ;;`;
    })
    .join('\n');
  const choices = commands
    .flatMap((c) =>
      [...c.options, ...root.options]
        .filter((o) => o.choices?.length && o.long)
        .map(
          (o) =>
            `    ${sq(`${c.path}:${o.long}`)}) COMPREPLY=($(compgen -W ${sq((o.choices ?? []).join(' '))} -- "$cur")); return ;;`,
        ),
    )
    .filter((line, i, all) => all.indexOf(line) === i)
    .join('\n');
  return `# bash completion for bbk. Load it with:  source <(bbk completion bash)
_bbk_complete() {
  local cur prev path word i words
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  path=bbk
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    case "$word" in -*) continue ;; esac
    case "$path $word" in
      ${known || "''"}) path="$path $word" ;;
    esac
  done
  case "$path:$prev" in
${choices || "    '') ;;"}
  esac
  case "$prev" in
    --*) case " $(_bbk_value_options) " in *" $prev "*) return ;; esac ;;
  esac
  words=
  case "$path" in
${words}
  esac
  [[ "$path" != bbk ]] && words="$words ${globals.join(' ')}"
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
_bbk_value_options() {
  echo ${sq([...new Set(commands.flatMap((c) => c.options.filter((o) => o.takesValue && o.long).map((o) => o.long as string)))].join(' '))}
}
complete -o default -F _bbk_complete bbk
`;
}

/** A zsh completion script: put it in a file `_bbk` on $fpath, or `source <(bbk completion zsh)`. */
export function zshScript(root: CommandSpec): string {
  const commands = allCommands(root);
  const esc = (text: string) => text.replace(/\\/g, '\\\\').replace(/:/g, '\\:').replace(/'/g, `'\\''`);
  const known = commands
    .filter((c) => c !== root)
    .map((c) => sq(c.path))
    .join('|');
  const cases = commands
    .map((c) => {
      const subs = [
        ...c.commands.map((s) => `'${esc(s.name)}:${esc(s.description)}'`),
        ...c.argumentChoices.map((a) => `'${esc(a)}'`),
      ].join(' ');
      const opts = c.options
        .flatMap((o) => [o.long, o.short].filter(Boolean).map((f) => `'${esc(f as string)}:${esc(o.description)}'`))
        .join(' ');
      return `    (${sq(c.path)}) subs=(${subs}); opts=(${opts}) ;;`;
    })
    .join('\n');
  const choices = commands
    .flatMap((c) =>
      [...c.options, ...root.options]
        .filter((o) => o.choices?.length && o.long)
        .map((o) => `    (${sq(`${c.path}:${o.long}`)}) compadd -- ${(o.choices ?? []).map(sq).join(' ')}; return ;;`),
    )
    .filter((line, i, all) => all.indexOf(line) === i)
    .join('\n');
  const globals = globalOptions(root)
    .flatMap((o) => [o.long, o.short].filter(Boolean).map((f) => `'${esc(f as string)}:${esc(o.description)}'`))
    .join(' ');
  const valued = [
    ...new Set(commands.flatMap((c) => c.options.filter((o) => o.takesValue && o.long).map((o) => o.long as string))),
  ];
  return `#compdef bbk
# zsh completion for bbk. Load it with:  source <(bbk completion zsh)   (after compinit)
_bbk() {
  local p=bbk w i
  local -a subs opts globals
  globals=(${globals})
  for (( i = 2; i < CURRENT; i++ )); do
    w="\${words[i]}"
    [[ "$w" == -* ]] && continue
    case "$p $w" in
      (${known || "''"}) p="$p $w" ;;
    esac
  done
  case "$p:\${words[CURRENT-1]}" in
${choices || "    ('') ;;"}
  esac
  case " ${valued.join(' ')} " in
    (*" \${words[CURRENT-1]} "*) _files; return ;;
  esac
  case "$p" in
${cases}
  esac
  [[ "$p" != bbk ]] && opts+=($globals)
  if [[ "\${words[CURRENT]}" == -* ]]; then
    _describe -t options 'option' opts
  elif (( \${#subs} )); then
    _describe -t commands 'command' subs
  else
    _files
  fi
}
if [[ "\${funcstack[1]}" == _bbk ]]; then _bbk "$@"; else compdef _bbk bbk; fi
`;
}

/** A fish completion script: `bbk completion fish > ~/.config/fish/completions/bbk.fish`. */
export function fishScript(root: CommandSpec): string {
  const commands = allCommands(root);
  const q = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const known = commands
    .filter((c) => c !== root)
    .map((c) => q(c.path))
    .join(' ');
  const lines: string[] = [];
  for (const c of commands) {
    for (const s of c.commands)
      lines.push(`complete -c bbk -f -n '__bbk_at ${q(c.path).slice(1, -1)}' -a ${q(s.name)} -d ${q(s.description)}`);
    if (c.argumentChoices.length)
      lines.push(`complete -c bbk -f -n '__bbk_at ${q(c.path).slice(1, -1)}' -a ${q(c.argumentChoices.join(' '))}`);
    for (const o of c.options) {
      const parts = [`complete -c bbk`];
      if (c !== root) parts.push(`-n '__bbk_at ${q(c.path).slice(1, -1)}'`);
      if (o.long) parts.push(`-l ${o.long.slice(2)}`);
      if (o.short) parts.push(`-s ${o.short.slice(1)}`);
      if (o.choices?.length) parts.push(`-x -a ${q(o.choices.join(' '))}`);
      else if (o.takesValue) parts.push('-r');
      parts.push(`-d ${q(o.description)}`);
      lines.push(parts.join(' '));
    }
  }
  return `# fish completion for bbk. Install it with:  bbk completion fish > ~/.config/fish/completions/bbk.fish
function __bbk_path
    set -l p bbk
    for w in (commandline -opc)[2..-1]
        string match -q -- '-*' $w; and continue
        if contains -- "$p $w" ${known}
            set p "$p $w"
        end
    end
    echo $p
end
function __bbk_at
    test (__bbk_path) = "$argv"
end
${lines.join('\n')}
`;
}

/**
 * commander, loaded with `require`: it is a CommonJS package, and `import` of it goes through its ESM wrapper and
 * the CommonJS export scan, which costs a command line a few tens of milliseconds on every run.
 * @example import { Command, Option } from './lib/commander.js';
 */
import { createRequire } from 'node:module';

const commander = createRequire(import.meta.url)('commander') as typeof import('commander');

export const { Argument, Command, CommanderError, Option } = commander;
export type Argument = import('commander').Argument;
export type Command = import('commander').Command;
export type CommanderError = import('commander').CommanderError;
export type Option = import('commander').Option;

/**
 * commander's classes, from one place. The `bbk` executable is bundled (scripts/build-cli.mjs), so this CommonJS
 * package is part of the bundle's entry chunk rather than loaded through its ESM wrapper at run time.
 * @example import { Command, Option } from './lib/commander.js';
 */
export { Argument, Command, CommanderError, Option } from 'commander';

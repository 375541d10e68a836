import type { ConsumerClient, ContributorClient, CoordinatorClient } from '@bbk/sdk';
import type { Api } from './config-file.js';
import type { Io } from './io.js';
import type { Format, Output, OutputStyle } from './output.js';
import type { GlobalOptions, Settings } from './settings.js';

/**
 * What every command receives besides its own options: settings, SDK clients, terminal facts,
 * and `print` for commands that report before they finish (`bbk start`).
 */
export interface CommandContext {
  options: GlobalOptions;
  settings: Settings;
  /** The process around the run: environment, working directory, standard streams (read through it, not `process`). */
  io: Io;
  format: Format;
  /** `-o` style: `table` (default), `wide`, `json` (also `--json`) or `yaml`. */
  style: OutputStyle;
  /** Prompts are allowed: stdin is a TTY and `--no-input` was not given. */
  interactive: boolean;
  /** Width for human output. */
  columns: number;
  /** Clients for the configured URLs and tokens; closed by the entry point after the command. */
  coordinator(): CoordinatorClient;
  contributor(): ContributorClient;
  consumer(options?: { audience?: string; connectors?: readonly string[] }): ConsumerClient;
  /** URL of an API as configured (for messages). */
  url(api: Api): string;
  /** Prints an output now, in the chosen format. */
  print(output: Output): Promise<void>;
  /** Writes a line to stderr (notes and warnings; silent with --quiet). */
  note(text: string): void;
}

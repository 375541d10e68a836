import { type ConfigFile, readConfig, writeConfig } from '../../lib/config-file.js';
import type { DemoConsumer } from './setup.js';

/** URLs of the demo server. */
export interface DemoUrls {
  coordinator: string;
  contributor: string;
  consumer: string;
}

/**
 * The profile name of a demo consumer: `demo-<policy id>`.
 * @example demoProfileName({ policy: { id: 'everything' } }) // 'demo-everything'
 */
export function demoProfileName(consumer: Pick<DemoConsumer, 'policy'>): string {
  return `demo-${consumer.policy.id}`.slice(0, 64);
}

/**
 * Saves the demo's profiles in the config file: `demo` (the coordinator token) and one `demo-<policy>` per
 * consumer (its consumer token), each with the three URLs; returns their names. Profiles of an earlier demo
 * with the same names are replaced; `current` is left alone.
 * @example saveDemoProfiles(path, urls, coordinatorToken, consumers) // ['demo', 'demo-everything', …]
 */
export function saveDemoProfiles(
  path: string,
  urls: DemoUrls,
  coordinatorToken: string,
  consumers: readonly DemoConsumer[],
): string[] {
  const config = readConfig(path);
  const base = {
    coordinator: { url: urls.coordinator },
    contributor: { url: urls.contributor },
    consumer: { url: urls.consumer },
  };
  config.profiles.demo = { ...base, coordinator: { url: urls.coordinator, token: coordinatorToken } };
  const names = ['demo'];
  for (const consumer of consumers) {
    const name = demoProfileName(consumer);
    config.profiles[name] = { ...base, consumer: { url: urls.consumer, token: consumer.token } };
    names.push(name);
  }
  writeConfig(path, config);
  return names;
}

/**
 * Removes profiles saved by `saveDemoProfiles` whose tokens are still the demo's (a profile changed since, e.g.
 * by `bbk login`, is kept); `current` is cleared when it named one of them.
 */
export function removeDemoProfiles(path: string, names: readonly string[], tokens: ReadonlySet<string>): void {
  const config: ConfigFile = readConfig(path);
  let changed = false;
  for (const name of names) {
    const profile = config.profiles[name];
    if (!profile) continue;
    const token = profile.consumer?.token ?? profile.coordinator?.token;
    if (token === undefined || !tokens.has(token)) continue;
    delete config.profiles[name];
    if (config.current === name) delete config.current;
    changed = true;
  }
  if (changed) writeConfig(path, config);
}

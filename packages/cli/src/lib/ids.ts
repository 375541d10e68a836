import { UsageError } from './exit-codes.js';

/**
 * Parses a user id argument: a positive integer.
 * @example userId('7') // 7
 */
export function userId(text: string): number {
  if (!/^\d+$/.test(text.trim())) throw new UsageError(`<uid> must be a user id (a number), got "${text}"`);
  return Number(text.trim());
}

/** Slug rule of entity type, connector and policy ids (spec §1.9), checked before calling the server. */
const SLUG = /^[a-z][a-z0-9-]+$/;

/** Whether a text looks like a slug (used to validate prompt answers). */
export function isSlug(text: string): true | string {
  return (
    (SLUG.test(text) && text.length >= 3 && text.length <= 32) ||
    'use 3-32 lower-case letters, digits and "-", starting with a letter'
  );
}

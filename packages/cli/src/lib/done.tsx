import { lazy, type Output } from './output.js';

/**
 * The output of a command whose result is a fact rather than a resource (delete, live, demote…).
 * @example return done({ id, deleted: true }, id, `User ${id} deleted.`);
 */
export function done(data: unknown, id: string | number, message: string): Output {
  return {
    data,
    ids: [id],
    view: lazy(
      () => import('../ui/notice.js'),
      ({ Notice }) => <Notice kind="success">{message}</Notice>,
    ),
  };
}

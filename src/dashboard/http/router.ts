import { badRequest } from '../errors.ts';
import type { Viewer } from './basic-auth.ts';

/** What a route answers: JSON (any value), or text with its content type. */
export type Reply = { json: unknown; status?: number } | { text: string; contentType: string; status?: number };

/** `viewer`: who asks and what they may see (everyone sees everything without HTTP Basic). */
export type Handler = (params: string[], query: URLSearchParams, viewer: Viewer) => Promise<Reply> | Reply;

interface Route {
  pattern: RegExp;
  handler: Handler;
  /** Routes that reach Kafka are limited in concurrency. */
  kafka: boolean;
}

/**
 * GET routes by path pattern: `/jobs/:id/vertices/:vid` — `:name` matches one path segment,
 * percent-decoded and passed to the handler in order.
 */
export class Router {
  readonly #routes: Route[] = [];

  get(path: string, handler: Handler, options: { kafka?: boolean } = {}): this {
    const source = path
      .split('/')
      .map((seg) => (seg.startsWith(':') ? '([^/]+)' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/');
    this.#routes.push({ pattern: new RegExp(`^${source}/?$`), handler, kafka: options.kafka ?? false });
    return this;
  }

  match(pathname: string): { handler: Handler; params: string[]; kafka: boolean } | undefined {
    for (const r of this.#routes) {
      const m = r.pattern.exec(pathname);
      if (m === null) continue;
      const params = m.slice(1).map((p) => {
        try {
          return decodeURIComponent(p);
        } catch {
          throw badRequest(`the path segment "${p}" is not valid percent-encoding`);
        }
      });
      return { handler: r.handler, params, kafka: r.kafka };
    }
    return undefined;
  }
}

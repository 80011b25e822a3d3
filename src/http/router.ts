import type { IncomingMessage, ServerResponse } from 'node:http';

export type Method = 'GET' | 'POST' | 'HEAD';

/** One HTTP path the service answers. Every route of the process is listed in one table (app.ts). */
export type Route = {
  method: Method | readonly Method[];
  path: string;
  /**
   * The route answers every path under `path` (which ends in `/`), e.g. `/media/<token>`. A handler
   * failure is then logged with `path`, never the rest of the request's path (it may be a secret).
   */
  prefix?: true;
  handle(req: IncomingMessage, res: ServerResponse): void | Promise<void>;
};

export type Router = {
  add(route: Route): void;
  handle(req: IncomingMessage, res: ServerResponse): void;
};

/**
 * The process's one router: exact paths, one 404 for an unknown path, one 405 for a known path with
 * another method, and a 500 (logged once) for a handler that throws before answering.
 */
export function createRouter(onError: (error: unknown, path: string) => void): Router {
  const routes = new Map<string, Map<string, Route>>();
  const prefixes: string[] = [];
  return {
    add(route) {
      if (route.prefix && !route.path.endsWith('/'))
        throw new Error(`A prefix route ends in /: ${route.path}`);
      if (route.prefix && !routes.has(route.path)) prefixes.push(route.path);
      const byMethod = routes.get(route.path) ?? new Map<string, Route>();
      for (const method of typeof route.method === 'string' ? [route.method] : route.method) {
        if (byMethod.has(method)) throw new Error(`Two routes for ${method} ${route.path}`);
        byMethod.set(method, route);
      }
      routes.set(route.path, byMethod);
    },
    handle(req, res) {
      const requested = pathOf(req);
      const path =
        requested === undefined || routes.has(requested)
          ? requested
          : prefixes.find((prefix) => requested.startsWith(prefix) && requested.length > prefix.length);
      const byMethod = path === undefined ? undefined : routes.get(path);
      if (!byMethod || path === undefined) return answer(res, 404, 'Not found');
      const route = byMethod.get(req.method ?? 'GET');
      if (!route) {
        res.setHeader('allow', [...byMethod.keys()].join(', '));
        return answer(res, 405, 'Method not allowed');
      }
      const fail = (error: unknown) => {
        onError(error, path);
        if (!res.headersSent) answer(res, 500, 'Internal error');
        else res.destroy();
      };
      try {
        const pending = route.handle(req, res);
        if (pending) pending.catch(fail);
      } catch (error) {
        fail(error);
      }
    },
  };
}

/** A short plain-text answer. */
export function answer(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  res.end(text);
}

/** The request's path (an absolute-form target such as `http://host/slack/events` included). */
export function pathOf(req: IncomingMessage): string | undefined {
  try {
    return new URL(req.url ?? '/', 'http://localhost').pathname;
  } catch {
    return undefined;
  }
}

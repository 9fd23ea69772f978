// A Worker: a session store. POST /login {"user"} sets a session cookie; GET /me answers who is
// logged in; POST /logout ends the session; POST /admin/logout-everywhere?user=... ends every
// session of a user, walking all sessions with a list() cursor loop.
//
// Ported to KVS: the import and the `env.SESSIONS ??=` line. With a real SESSIONS binding the
// line does nothing, so the same file runs on Workers as it did.
import { createKVNamespace } from '@kvs/client';

const SESSION_TTL = 60 * 60; // seconds

export default {
  async fetch(request, env) {
    env.SESSIONS ??= createKVNamespace({ baseUrl: env.KVS_URL, namespace: env.KVS_NAMESPACE, token: env.KVS_TOKEN });
    const url = new URL(request.url);

    if (request.method === 'POST' && url.pathname === '/login') {
      const { user } = await request.json();
      const sid = crypto.randomUUID();
      await env.SESSIONS.put(`session:${sid}`, JSON.stringify({ user, since: Date.now() }), {
        expirationTtl: SESSION_TTL,
        metadata: { user },
      });
      return json({ ok: true }, 200, { 'set-cookie': `sid=${sid}; HttpOnly; Secure; Path=/` });
    }

    if (request.method === 'GET' && url.pathname === '/me') {
      const sid = cookie(request, 'sid');
      const session = sid ? await env.SESSIONS.get(`session:${sid}`, { type: 'json' }) : null;
      return session ? json({ user: session.user }) : json({ error: 'not logged in' }, 401);
    }

    if (request.method === 'POST' && url.pathname === '/logout') {
      const sid = cookie(request, 'sid');
      if (sid) await env.SESSIONS.delete(`session:${sid}`);
      return new Response(null, { status: 204, headers: { 'set-cookie': 'sid=; Max-Age=0; Path=/' } });
    }

    if (request.method === 'POST' && url.pathname === '/admin/logout-everywhere') {
      const user = url.searchParams.get('user');
      let ended = 0;
      let cursor;
      do {
        const page = await env.SESSIONS.list({ prefix: 'session:', limit: 100, cursor });
        for (const key of page.keys) {
          if (key.metadata?.user === user) {
            await env.SESSIONS.delete(key.name);
            ended++;
          }
        }
        cursor = page.list_complete ? undefined : page.cursor;
      } while (cursor);
      return json({ user, ended });
    }

    return json({ error: 'not found' }, 404);
  },
};

function json(body, status = 200, headers = {}) {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

function cookie(request, name) {
  const header = request.headers.get('cookie') ?? '';
  const match = header.match(new RegExp(`(?:^|;\\s*)${name}=([^;]+)`));
  return match ? match[1] : null;
}

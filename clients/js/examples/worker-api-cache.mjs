// A Worker: a read-through cache in front of a slow API. Answers are kept five minutes, bodies
// as bytes (JSON, images, anything) and their content type in the metadata; X-Cache says HIT or
// MISS. The cache write does not delay the answer (ctx.waitUntil).
// (On KVS, give the namespace a maxValueBytes that fits the answers: bytes are kept as base64.)
//
// Ported to KVS: the import and the `env.API_CACHE ??=` line.
import { createKVNamespace } from '@kvs/client';

export default {
  async fetch(request, env, ctx) {
    env.API_CACHE ??= createKVNamespace({ baseUrl: env.KVS_URL, namespace: env.KVS_NAMESPACE, token: env.KVS_TOKEN });
    const url = new URL(request.url);
    const key = `api:${url.pathname}${url.search}`;

    const { value, metadata } = await env.API_CACHE.getWithMetadata(key, 'arrayBuffer');
    if (value !== null) {
      return new Response(value, { headers: { 'content-type': metadata.contentType, 'x-cache': 'HIT' } });
    }

    const upstream = await fetch(env.UPSTREAM_URL + url.pathname + url.search);
    const body = await upstream.arrayBuffer();
    const contentType = upstream.headers.get('content-type') ?? 'application/octet-stream';
    if (upstream.ok) {
      ctx.waitUntil(env.API_CACHE.put(key, body, { expirationTtl: 300, metadata: { contentType } }));
    }
    return new Response(body, { status: upstream.status, headers: { 'content-type': contentType, 'x-cache': 'MISS' } });
  },
};

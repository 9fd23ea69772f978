// What the tests share: the KVS that test/with-kvs.sh started (its address and tokens come in
// KVS_TEST_* variables), admin calls, and psql for what only the database can provoke.
import { spawn, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the tests with clients/js/test/with-kvs.sh`);
  return v;
}

export const env = {
  url: need('KVS_TEST_URL'),
  ns: need('KVS_TEST_NS'),
  token: need('KVS_TEST_TOKEN'),
  roToken: need('KVS_TEST_RO_TOKEN'),
  adminToken: need('KVS_TEST_ADMIN_TOKEN'),
  pgUrl: need('KVS_TEST_DB_URL'),
  dbRole: need('KVS_TEST_DB_ROLE'),
};

/** Client options for the test namespace, with overrides. */
export const opts = (extra = {}) => ({ baseUrl: env.url, namespace: env.ns, token: env.token, ...extra });

/** A key no other test uses. */
export const uniq = (prefix = 'k') => `${prefix}:${randomUUID().slice(0, 8)}`;

export async function admin(method, path, body) {
  const res = await fetch(`${env.url}/v1/admin${path}`, {
    method,
    headers: { authorization: `Bearer ${env.adminToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok && res.status !== 404) throw new Error(`admin ${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** A fresh namespace with the given limits and a read+write token for it. */
export async function freshNamespace(name, limits = {}) {
  await admin('DELETE', `/namespaces/${name}`);
  await admin('POST', '/namespaces', { name, ...limits });
  const { token } = await admin('POST', `/namespaces/${name}/tokens`, { scopes: ['read', 'write'] });
  return { baseUrl: env.url, namespace: name, token };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Holds the row of (ns, key) locked in a psql transaction, as another writer would; resolves once
 * the lock is taken, with a function that commits and waits for psql to leave.
 */
export function holdRowLock(ns, key) {
  const psql = spawn('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', env.pgUrl], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => psql.on('exit', resolve));
  const locked = new Promise((resolve, reject) => {
    let out = '';
    psql.stdout.on('data', (d) => {
      out += d;
      if (out.includes('locked')) resolve();
    });
    psql.on('exit', (code) => reject(new Error(`psql left before locking (exit ${code})`)));
  });
  const lit = (s) => `'${s.replace(/'/g, "''")}'`;
  psql.stdin.write(`BEGIN;\nSELECT 'locked' FROM kv WHERE ns = ${lit(ns)} AND key = ${lit(key)} FOR UPDATE;\n`);
  return locked.then(() => async () => {
    psql.stdin.end('COMMIT;\n');
    await exited;
  });
}

function psqlRun(sql) {
  execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', env.pgUrl, '-c', sql], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Refuses KVS its database (it logs in as a role of its own): every query then fails, 503. */
export function refuseDatabase() {
  psqlRun(`ALTER ROLE ${env.dbRole} CONNECTION LIMIT 0`);
  psqlRun(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '${env.dbRole}'`);
}

export function allowDatabase() {
  psqlRun(`ALTER ROLE ${env.dbRole} CONNECTION LIMIT -1`);
}

/** Waits until KVS answers a read again after allowDatabase(). */
export async function waitUntilServing() {
  for (let i = 0; i < 100; i++) {
    const res = await fetch(`${env.url}/v1/ns/${env.ns}/kv/probe`, { headers: { authorization: `Bearer ${env.token}` } });
    await res.arrayBuffer();
    if (res.status === 404 || res.status === 200) return;
    await sleep(100);
  }
  throw new Error('KVS did not serve again');
}

/**
 * A fetch for the client's `fetch` option that records what each attempt got: its HTTP status, or 0
 * when no answer came (network failure, abort). `onAnswer(status)` runs before the client sees the
 * answer, so a test can change the world between two attempts (release a lock) without a timer.
 */
export function recordingFetch(onAnswer = () => {}) {
  const seen = [];
  const recording = async (url, init) => {
    let res;
    try {
      res = await fetch(url, init);
    } catch (err) {
      seen.push(0);
      throw err;
    }
    seen.push(res.status);
    await onAnswer(res.status);
    return res;
  };
  return { fetch: recording, seen };
}

/** Rejects with the error fn throws, failing when it resolves. */
export async function rejection(fn) {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

// @kvs/client: KVS from JavaScript, in the shape of the Craft KVS module or of a Workers KV binding.
export { createCraftKvs } from './craft.js';
export { createKVNamespace, BINARY_MARKER } from './workers.js';
export { createKvsClient } from './client.js';
export { DEFAULT_RETRY } from './transport.js';
export * from './errors.js';

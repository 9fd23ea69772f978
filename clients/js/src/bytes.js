// Bytes <-> base64 and UTF-8 with web APIs only (btoa/atob, TextEncoder), so the package runs
// unchanged on Node 18+, Deno, Bun, browsers and edge runtimes (no Buffer).

const encoder = new TextEncoder();
const decoder = new TextDecoder(); // replaces invalid UTF-8 with U+FFFD, as Workers' "text" does

export const utf8 = (text) => encoder.encode(text);
export const fromUtf8 = (bytes) => decoder.decode(bytes);

export function toBase64(bytes) {
  let binary = '';
  // Chunks: String.fromCharCode(...bytes) on a large array would overflow the call stack.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

export function fromBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Reads a ReadableStream of bytes in full, refusing (not truncating) past maxBytes. */
export async function readStream(stream, maxBytes, onTooLarge) {
  const reader = stream.getReader();
  const chunks = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const chunk = typeof value === 'string' ? utf8(value) : new Uint8Array(value.buffer ?? value, value.byteOffset ?? 0, value.byteLength);
      total += chunk.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        throw onTooLarge(total);
      }
      chunks.push(chunk);
    }
  } finally {
    reader.releaseLock();
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

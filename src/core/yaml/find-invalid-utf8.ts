/**
 * Offset of the first byte that is not part of valid UTF-8, or -1. Only called once decoding has
 * already failed, to say where; a streaming decoder fed byte by byte stops exactly there.
 */
export function findInvalidUtf8(bytes: Uint8Array): number {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let pendingStart = 0;
  for (let i = 0; i < bytes.length; i++) {
    try {
      const text = decoder.decode(bytes.subarray(i, i + 1), { stream: true });
      if (text.length > 0) pendingStart = i + 1;
    } catch {
      return pendingStart;
    }
  }
  try {
    decoder.decode();
  } catch {
    return pendingStart; // a multi-byte character cut off by the end of the file
  }
  return -1;
}

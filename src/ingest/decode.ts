/**
 * A fetched response's bytes as text, in the encoding they declare (fetch.ts reads the bytes; this decides what
 * they say).
 */
/**
 * The text of a response, in the encoding it gives, as a browser finds it: a byte order mark first, then the
 * Content-Type header's charset, then what the document declares in its first 1,024 bytes (an XML declaration's
 * `encoding`, a `<meta charset>` or `<meta http-equiv="Content-Type" content="…; charset=…">`), else UTF-8. (A
 * windows-1251 page that said so only in its `<meta>` was saved as replacement characters.)
 */
export function decodeText(bytes: Uint8Array, contentType: string): string {
  // The first of them TextDecoder knows ("utf8mb4" in a header is none: the document's own declaration is read next).
  for (const charset of [byteOrderMark(bytes), /charset=["']?([\w-]+)/i.exec(contentType)?.[1], declaredCharset(bytes)]) {
    if (charset === undefined) continue;
    try {
      return new TextDecoder(charset).decode(bytes).replace(/^\uFEFF/, '');
    } catch {
      // an encoding TextDecoder does not know: the next source
    }
  }
  return new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
}

function byteOrderMark(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return undefined;
}

/** The encoding a document declares near its start: `<?xml … encoding="…"?>` or a `<meta>`'s charset. */
function declaredCharset(bytes: Uint8Array): string | undefined {
  // Read as Latin-1: every byte one character, so the ASCII of the declarations reads the same in any of these encodings.
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 1024)).toString('latin1').replace(/<!--[^]*?-->/g, '');
  const declared = /^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([\w-]+)["']/i.exec(head)?.[1] ?? /<meta\b[^>]*?\bcharset\s*=\s*["']?([\w-]+)/i.exec(head)?.[1];
  // A declaration read as ASCII is no UTF-16 document's: UTF-8 then (HTML's prescan rule), and x-user-defined windows-1252.
  if (declared && /^utf-?16/i.test(declared)) return 'utf-8';
  if (declared && /^x-user-defined$/i.test(declared)) return 'windows-1252';
  return declared;
}

import { gzipSync } from "node:zlib";

/**
 * A gzipped tar of text files under one folder, as GitHub's archive host serves a commit: ustar
 * headers (a long path split into prefix and name), content padded to 512-byte blocks, two empty
 * blocks at the end.
 */
export function gzippedTar(folder: string, files: Record<string, string>): Buffer {
  const blocks: Buffer[] = [];
  for (const [path, content] of Object.entries(files)) {
    const data = Buffer.from(content, "utf8");
    blocks.push(ustarHeader(`${folder}/${path}`, data.length), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

function ustarHeader(path: string, size: number): Buffer {
  const header = Buffer.alloc(512);
  const cut = Buffer.byteLength(path) > 100 ? path.lastIndexOf("/", 155) : -1;
  header.write(cut < 0 ? path : path.slice(cut + 1), 0, 100, "utf8");
  header.write("0000644\0", 100);
  header.write("0000000\0", 108);
  header.write("0000000\0", 116);
  header.write(`${size.toString(8).padStart(11, "0")}\0`, 124);
  header.write("00000000000\0", 136);
  header.write("        ", 148); // the checksum counts its own field as spaces
  header.write("0", 156); // a regular file
  header.write("ustar\0" + "00", 257);
  if (cut >= 0) header.write(path.slice(0, cut), 345, 155, "utf8");
  const sum = header.reduce((total, byte) => total + byte, 0);
  header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  return header;
}

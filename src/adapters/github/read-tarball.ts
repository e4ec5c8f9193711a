import { Parser, type ReadEntry } from "tar";

export interface TarballFile {
  /** The path inside the archive, as it is there (GitHub's start with one folder). */
  path: string;
  bytes: Uint8Array;
}

/**
 * The regular files of a gzipped (or plain) tar held in memory. Links, folders and the archive's
 * own metadata are left out; a damaged archive is an error (strict), never a partial answer.
 */
export function filesOfTarball(archive: Buffer): Promise<TarballFile[]> {
  return new Promise((resolve, reject) => {
    const files: TarballFile[] = [];
    const parser = new Parser({
      strict: true,
      onReadEntry(entry: ReadEntry) {
        if (entry.type !== "File" && entry.type !== "OldFile" && entry.type !== "ContiguousFile") return;
        const chunks: Buffer[] = [];
        entry.on("data", (chunk: Buffer) => chunks.push(chunk));
        entry.on("end", () => files.push({ path: entry.path, bytes: new Uint8Array(Buffer.concat(chunks)) }));
      },
    });
    parser.on("error", reject);
    parser.on("end", () => resolve(files));
    parser.end(archive);
  });
}

/** A file read from a repository, at a commit or in a working tree. */
export interface RepoFile {
  /** Size in bytes. */
  size: number;
  /** The content; left empty by the adapter when `size` is over the limit the caller gave. */
  bytes: Uint8Array;
}

/** Read access to one revision of an environments repository. Paths are relative and use "/". */
export interface RepoFiles {
  /** undefined when there is no such file. */
  readFile(path: string, maxBytes: number): Promise<RepoFile | undefined>;
  /** Names of the entries of a directory (files and folders), or undefined when there is none. */
  listDirectory(path: string): Promise<string[] | undefined>;
}

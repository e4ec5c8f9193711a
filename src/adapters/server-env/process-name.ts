import { hostname } from "node:os";

/** This process, as logs, leases and the job queue name it: "host:pid". */
export const PROCESS_NAME = `${hostname()}:${process.pid}`;

/**
 * Run by ensureBuilt() (server.ts) under its lock: builds the web app unless the test file that
 * held the lock before this one already did.
 */
import { buildWeb, isBuilt } from "./server.ts";

if (!isBuilt()) buildWeb();

/**
 * The web server `gradlab start` runs: Next's request handler behind guardRequests
 * (request-guard.ts), so body limits, cross-site checks and security headers hold for every
 * route before Next reads anything; the hashed public assets are sent by static-files.ts, and the
 * three submission routes every verdict goes through (POST /api/submissions, GET …/:id and
 * …/:id/wait) by submission-fast-path.ts, with the same code Next's route files delegate to.
 * Env: PORT (3000), HOST (all interfaces), GRADLAB_ROOT; GRADLAB_API_FAST_PATH=off sends those
 * three routes through Next too (only for the bench's and the parity test's side-by-side).
 */
import { createServer } from "node:http";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { guardRequests } from "./request-guard.ts";
import { serveStaticAsset } from "./static-files.ts";

// As `next start` does: React and Next pick their production builds from NODE_ENV, read at import.
(process.env as Record<string, string>).NODE_ENV = "production";
const { default: next } = await import("next");

const root = process.env.GRADLAB_ROOT ?? resolve(fileURLToPath(new URL("..", import.meta.url)));
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST;

// One instance of the server side for this file and Next's route handlers (app/_lib/server-loader.ts
// loadServer() uses this slot): one database connection, one session lookup, one set of verdict waits.
const backend = import("./index.ts");
(globalThis as { __gradlabBackend?: Promise<unknown> }).__gradlabBackend ??= backend;
const { serveSubmissionApi } = await import("./submission-fast-path.ts");
const fastPath = process.env.GRADLAB_API_FAST_PATH !== "off";

const app = next({ dev: false, dir: root, port, hostname: host ?? "localhost" });
const handle = app.getRequestHandler();
await app.prepare();

// Hashed public assets (immutable, precompressed) and the submission routes are answered here; everything else by Next.
const publicDir = join(root, "public");
const server = createServer(guardRequests(async (req, res) => (fastPath && serveSubmissionApi(req, res)) || (await serveStaticAsset(req, res, publicDir)) || handle(req, res)));
// A request (headers and body) must arrive within a minute: bodies are small (see BODY_LIMITS).
server.requestTimeout = 60_000;
server.headersTimeout = 20_000;
// Keep idle connections longer than Node's 5 s: a client (an API script, an LMS, Playwright's
// request context) that reuses a socket just as the server closes it gets ECONNRESET, and only
// browsers retry that by themselves. Idle sockets cost little; slow requests are still cut above.
server.keepAliveTimeout = 65_000;
server.listen(port, host, () => process.stdout.write(`web server listening on ${host ?? "*"}:${port}\n`));

// Grade passback: the web server's process sends the outbox's scores to the LMSs
// (server/lti/outbox.ts) from boot, so scores queued before a restart go out without waiting for
// a request. Only here: `gradlab worker` processes never send.
const [{ db }, { startRelay }] = await Promise.all([import("./context.ts"), import("./lti/outbox.ts")]);
startRelay(db);

const stop = () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);

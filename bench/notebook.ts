/**
 * The notebook path, for comparison: the same dense-layer check done the nbgrader / CS231n way —
 * a Jupyter kernel executing numpy code (`jupyter nbconvert --to notebook --execute`), with the
 * learner's cell, then assert cells (reference values, numerical-gradient checks, random
 * shapes) — against GradLab's verdict for the dense exercise, interleaved in the same run.
 * Uses Debian's packages (jupyter-nbconvert python3-ipykernel python3-numpy); when they are
 * missing and cannot be installed, the bench says so and skips this part.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Exercise } from "../grader/exercises.ts";
import { gradeCode } from "../grader/grade.ts";
import { runCli } from "./latency.ts";
import { sandboxOpen } from "./sandbox-path.ts";
import { median, round, summarize, type Summary } from "./stats.ts";

export const NOTEBOOK_PACKAGES = ["jupyter-nbconvert", "python3-ipykernel", "python3-numpy"];
const ENV = { PATH: "/usr/bin:/bin:/usr/sbin:/sbin", HOME: tmpdir(), LANG: "C.UTF-8", JUPYTER_PLATFORM_DIRS: "1", PYDEVD_DISABLE_FILE_VALIDATION: "1" };

export interface NotebookReport {
  gradlabMs: number | null;
  notebookMs: number | null;
  ratio: number | null;
  skipped?: string;
  note?: string;
  gradlab?: { cli: Summary; worker: Summary };
  notebook?: Summary;
  checks?: number;
}

const LEARNER = `import numpy as np

def dense_forward(x, w, b):
    return x @ w + b

def dense_backward(dy, x, w):
    return {"dx": dy @ w.T, "dw": x.T @ dy, "db": dy.sum(axis=0)}
`;

const HELPERS = `import numpy as np

def rel_error(x, y):
    return np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y)))

def eval_numerical_gradient_array(f, x, df, h=1e-5):
    """CS231n: numerical gradient of sum(f(x) * df) with respect to x."""
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        ix = it.multi_index
        old = x[ix]
        x[ix] = old + h
        pos = f(x).copy()
        x[ix] = old - h
        neg = f(x).copy()
        x[ix] = old
        grad[ix] = np.sum((pos - neg) * df) / (2 * h)
        it.iternext()
    return grad

def make_case(rng, n, d, m):
    return rng.standard_normal((n, d)), rng.standard_normal((d, m)), rng.standard_normal(m), rng.standard_normal((n, m))

def reference(x, w, b, dy):
    return x @ w + b, dy @ w.T, x.T @ dy, dy.sum(axis=0)
`;

/** One cell per GradLab check of the dense exercise (same shapes, same count). */
const TESTS = [
  `rng = np.random.default_rng(1)\nx, w, b, dy = make_case(rng, 2, 3, 4)\nassert np.allclose(dense_forward(x, w, b), reference(x, w, b, dy)[0], rtol=1e-4, atol=1e-6), "dense_forward"`,
  `rng = np.random.default_rng(2)\nx, w, b, dy = make_case(rng, 1, 5, 2)\nassert np.allclose(dense_forward(x, w, b), reference(x, w, b, dy)[0], rtol=1e-4, atol=1e-6), "batch of one"`,
  `rng = np.random.default_rng(3)\nx, w, b, dy = make_case(rng, 3, 4, 2)\nassert np.allclose(dense_backward(dy, x, w)["dx"], reference(x, w, b, dy)[1], rtol=1e-4, atol=1e-6), "dx"`,
  `rng = np.random.default_rng(4)\nx, w, b, dy = make_case(rng, 3, 4, 2)\nassert np.allclose(dense_backward(dy, x, w)["dw"], reference(x, w, b, dy)[2], rtol=1e-4, atol=1e-6), "dw"`,
  `rng = np.random.default_rng(5)\nx, w, b, dy = make_case(rng, 3, 4, 2)\nassert np.allclose(dense_backward(dy, x, w)["db"], reference(x, w, b, dy)[3], rtol=1e-4, atol=1e-6), "db"`,
  `rng = np.random.default_rng(6)\nx, w, b, dy = make_case(rng, 3, 3, 2)\ng = dense_backward(dy, x, w)\nassert rel_error(g["dx"], eval_numerical_gradient_array(lambda v: dense_forward(v, w, b), x, dy)) < 1e-6\nassert rel_error(g["dw"], eval_numerical_gradient_array(lambda v: dense_forward(x, v, b), w, dy)) < 1e-6\nassert rel_error(g["db"], eval_numerical_gradient_array(lambda v: dense_forward(x, w, v), b, dy)) < 1e-6`,
  `rng = np.random.default_rng()\nfor _ in range(3):\n    n, d, m = (1 if rng.integers(2) == 0 else 2 + rng.integers(6)), 1 + rng.integers(7), 1 + rng.integers(7)\n    x, w, b, dy = make_case(rng, n, d, m)\n    assert np.allclose(dense_forward(x, w, b), reference(x, w, b, dy)[0], rtol=1e-4, atol=1e-6)`,
  `rng = np.random.default_rng()\nfor _ in range(3):\n    n, d, m = (1 if rng.integers(2) == 0 else 2 + rng.integers(6)), 1 + rng.integers(7), 1 + rng.integers(7)\n    x, w, b, dy = make_case(rng, n, d, m)\n    g, r = dense_backward(dy, x, w), reference(x, w, b, dy)\n    for k, e in zip(["dx", "dw", "db"], r[1:]):\n        assert np.allclose(g[k], e, rtol=1e-4, atol=1e-6), k`,
];

function notebook(): string {
  const cell = (src: string, id: string) => ({ cell_type: "code", execution_count: null, id, metadata: {}, outputs: [], source: src });
  return JSON.stringify({
    cells: [cell(LEARNER, "learner"), cell(HELPERS, "helpers"), ...TESTS.map((t, i) => cell(t, `test-${i}`))],
    metadata: { kernelspec: { display_name: "Python 3", language: "python", name: "python3" } },
    nbformat: 4,
    nbformat_minor: 5,
  });
}

function available(): boolean {
  if (!existsSync("/usr/bin/jupyter-nbconvert")) return false;
  const r = spawnSync("/usr/bin/python3", ["-c", "import numpy, ipykernel"], { env: ENV, stdio: "ignore" });
  return r.status === 0;
}

/** Install Debian's packages if missing (root only); returns why not, if it cannot. */
export function ensureNotebookPackages(log: (s: string) => void): string | undefined {
  if (available()) return undefined;
  const cmd = `apt-get install -y --no-install-recommends ${NOTEBOOK_PACKAGES.join(" ")}`;
  if (process.getuid?.() !== 0 || !existsSync("/usr/bin/apt-get")) return `Jupyter is not installed and this is not a root Debian shell; install it with \`${cmd}\``;
  log(`notebook: installing ${NOTEBOOK_PACKAGES.join(" ")} with apt-get…`);
  const r = spawnSync("apt-get", ["install", "-y", "--no-install-recommends", ...NOTEBOOK_PACKAGES], { env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" }, encoding: "utf8", timeout: 600_000 });
  if (r.status !== 0 || !available()) return `could not install Debian's ${NOTEBOOK_PACKAGES.join(", ")} (\`${cmd}\` failed: ${(r.stderr || r.stdout || "").trim().split("\n").slice(-2).join(" ")})`;
  return undefined;
}

function runNotebook(dir: string): Promise<number> {
  return new Promise((res, rej) => {
    const t0 = performance.now();
    const p = spawn("/usr/bin/jupyter-nbconvert", ["--to", "notebook", "--execute", "--output", "executed.ipynb", join(dir, "dense.ipynb")], { cwd: dir, env: ENV, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    p.stderr.on("data", (d) => (err += d));
    p.on("exit", (code) => {
      const ms = performance.now() - t0;
      if (code !== 0) return rej(new Error(`jupyter nbconvert failed (${code}): ${err.slice(-800)}`));
      res(ms);
    });
  });
}

export async function notebookBench(opts: { dense: Exercise | undefined; reps: number; install: boolean; log: (s: string) => void }): Promise<NotebookReport> {
  if (!opts.dense) return { gradlabMs: null, notebookMs: null, ratio: null, skipped: "the dense exercise is not in the catalogue" };
  const why = opts.install ? ensureNotebookPackages(opts.log) : available() ? undefined : `Jupyter is not installed (apt-get install -y ${NOTEBOOK_PACKAGES.join(" ")})`;
  if (why) return { gradlabMs: null, notebookMs: null, ratio: null, skipped: why };
  const dir = mkdtempSync(join(tmpdir(), "gradlab-bench-nb-"));
  writeFileSync(join(dir, "dense.ipynb"), notebook());
  const nb: number[] = [];
  const cli: number[] = [];
  const worker: number[] = [];
  const code = readFileSync(opts.dense.files.solution, "utf8");
  await runNotebook(dir); // warm the page cache and Python's bytecode caches, as a course server would be
  for (let r = 0; r < opts.reps; r++) {
    nb.push(await runNotebook(dir));
    cli.push((await runCli(opts.dense.id, opts.dense.files.solution)).ms);
    const t0 = performance.now();
    const res = await gradeCode(opts.dense, code, { openTransport: sandboxOpen() });
    worker.push(performance.now() - t0);
    if (res.status !== "passed") throw new Error(`dense solution graded ${res.status}`);
  }
  const executed = JSON.parse(readFileSync(join(dir, "executed.ipynb"), "utf8")) as { cells: { outputs: { output_type: string }[] }[] };
  rmSync(dir, { recursive: true, force: true });
  if (executed.cells.some((c) => c.outputs.some((o) => o.output_type === "error"))) throw new Error("the notebook's checks failed on the correct solution");
  const gradlabMs = round(median(cli));
  const notebookMs = round(median(nb));
  return {
    gradlabMs,
    notebookMs,
    ratio: round(notebookMs / gradlabMs, 2),
    note:
      "Both cold processes, same checks (8: forward ×2, dx, dw, db, numerical-gradient check, hidden random shapes ×2), interleaved. " +
      "gradlabMs: `gradlab grade dense solution.ts --json` (fresh process: tfjs reference, sandbox child under bubblewrap). " +
      "notebookMs: `jupyter nbconvert --to notebook --execute` (fresh ipykernel, numpy; reference values computed in the test cells; no sandbox). " +
      "gradlab.worker: the same verdict in a long-lived worker (what a submission through the web app costs).",
    gradlab: { cli: summarize(cli), worker: summarize(worker) },
    notebook: summarize(nb),
    checks: TESTS.length,
  };
}

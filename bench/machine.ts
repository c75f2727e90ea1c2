/** What the bench ran on. */
import { cpus, totalmem, freemem, loadavg, release } from "node:os";
import { readFileSync } from "node:fs";
import { detectContainment } from "../grader/sandbox/child-transport.ts";

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  freeMemoryGiB: number;
  loadAverage1m: number;
  os: string;
  node: string;
  tfjs: string;
  tfjsBackend: string;
  tfjsWasmSimd: boolean | null;
  tfjsWasmThreads: boolean | null;
  sandbox: string;
  summary: string;
}

export async function machineInfo(tf: { version: Record<string, string>; getBackend(): string; env(): { getAsync(k: string): Promise<unknown> } }): Promise<MachineInfo> {
  const c = cpus();
  let os = `${process.platform} ${release()}`;
  try {
    const pretty = /PRETTY_NAME="([^"]+)"/.exec(readFileSync("/etc/os-release", "utf8"))?.[1];
    if (pretty) os = `${pretty} (kernel ${release()})`;
  } catch {
    /* not Linux */
  }
  const get = async (k: string) => {
    try {
      return Boolean(await tf.env().getAsync(k));
    } catch {
      return null;
    }
  };
  const cont = detectContainment();
  const info = {
    cpuModel: c[0]?.model.trim() ?? "unknown",
    cores: c.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    freeMemoryGiB: Math.round((freemem() / 2 ** 30) * 10) / 10,
    loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
    os,
    node: process.version,
    tfjs: tf.version.tfjs ?? "?",
    tfjsBackend: tf.getBackend(),
    tfjsWasmSimd: await get("WASM_HAS_SIMD_SUPPORT"),
    tfjsWasmThreads: await get("WASM_HAS_MULTITHREAD_SUPPORT"),
    sandbox: `${cont.bwrap ? "bubblewrap" : "plain child process"}${cont.prlimit ? " + prlimit" : ""}`,
  };
  return {
    ...info,
    summary: `${info.cpuModel}, ${info.cores} cores, ${info.memoryGiB} GiB, Node ${info.node}, tfjs ${info.tfjs} (${info.tfjsBackend}${info.tfjsWasmSimd ? " SIMD" : ""}${info.tfjsWasmThreads ? " threads" : ""}), sandbox: ${info.sandbox}`,
  };
}

"use client";
/** Small dependency-free SVG pictures for the results panel: heatmaps and line charts. */
import { useTranslations } from "next-intl";

export interface Series {
  name: string;
  values: number[];
  color: string;
  dashed?: boolean;
}

const W = 320;
const H = 150;
const PAD = { l: 44, r: 8, t: 8, b: 22 };

function ticks(lo: number, hi: number): number[] {
  if (!(hi > lo)) return [lo];
  return [lo, (lo + hi) / 2, hi];
}

const short = (x: number) => (Math.abs(x) >= 1000 || (Math.abs(x) < 0.01 && x !== 0) ? x.toExponential(1) : Number(x.toPrecision(3)).toString());

/** The first index whose value is not finite, when one is (a run that diverged there). */
export function divergedAt(values: number[]): number | undefined {
  const i = values.findIndex((v) => !Number.isFinite(v));
  return i < 0 ? undefined : i;
}

export function LineChart({ series, x, xLabel, title }: { series: Series[]; x?: number[]; xLabel?: string; title?: string }) {
  const t = useTranslations("charts");
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  if (!all.length) return null;
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (hi === lo) {
    lo -= 1;
    hi += 1;
  }
  const n = Math.max(...series.map((s) => s.values.length));
  const xs = x && x.length >= n ? x : Array.from({ length: n }, (_, i) => i);
  const x0 = xs[0];
  const x1 = xs[n - 1] === x0 ? x0 + 1 : xs[n - 1];
  const px = (v: number) => PAD.l + ((v - x0) / (x1 - x0)) * (W - PAD.l - PAD.r);
  const py = (v: number) => PAD.t + (1 - (v - lo) / (hi - lo)) * (H - PAD.t - PAD.b);
  return (
    <figure className="chart">
      {title && <figcaption>{title}</figcaption>}
      <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={title ?? t("chart")}>
        {ticks(lo, hi).map((t) => (
          <g key={t}>
            <line x1={PAD.l} x2={W - PAD.r} y1={py(t)} y2={py(t)} className="grid" />
            <text x={PAD.l - 4} y={py(t) + 3} textAnchor="end" className="axis">{short(t)}</text>
          </g>
        ))}
        <text x={(W + PAD.l) / 2} y={H - 4} textAnchor="middle" className="axis">{t("xAxis", { label: xLabel ?? t("step"), from: short(x0), to: short(xs[n - 1]) })}</text>
        {series.map((s) => {
          const pts = s.values.map((v, i) => (Number.isFinite(v) ? `${px(xs[i]).toFixed(1)},${py(v).toFixed(1)}` : "")).filter(Boolean).join(" ");
          return <polyline key={s.name} points={pts} fill="none" stroke={s.color} strokeWidth={1.6} strokeDasharray={s.dashed ? "5 3" : undefined} />;
        })}
        {series.map((s) => {
          // Where a run blew up (NaN or ±Infinity after finite values): mark it, rather than let the line just stop.
          const at = divergedAt(s.values);
          if (at === undefined || s.dashed) return null;
          const x = px(xs[at]);
          const last = s.values[at - 1];
          return (
            <g key={`div-${s.name}`} className="diverged" data-testid="diverged">
              <line x1={x} x2={x} y1={PAD.t} y2={H - PAD.b} stroke="#b91c1c" strokeDasharray="3 2" />
              {at > 0 && Number.isFinite(last) && <circle cx={px(xs[at - 1])} cy={py(last)} r={3} fill="#b91c1c" />}
              <text x={Math.min(x + 3, W - PAD.r - 2)} y={PAD.t + 10} textAnchor={x > W - 90 ? "end" : "start"} className="axis" fill="#b91c1c">
                {t("diverged", { value: String(s.values[at]), at: short(xs[at]) })}
              </text>
            </g>
          );
        })}
      </svg>
      <div className="legend">
        {series.map((s) => (
          <span key={s.name}>
            <i style={{ borderColor: s.color, borderStyle: s.dashed ? "dashed" : "solid" }} /> {s.name}
          </span>
        ))}
      </div>
    </figure>
  );
}

/** The N-D index of flat position `pos` in `shape`, written as the checks' messages write it: "[0,2,1]". */
export function cellIndex(pos: number, shape: number[] | undefined, cols: number): string {
  const dims = shape && shape.length && shape.reduce((a, b) => a * b, 1) > pos ? shape : [Math.ceil((pos + 1) / Math.max(cols, 1)), cols];
  const idx: number[] = [];
  let rest = pos;
  for (let k = dims.length - 1; k >= 0; k--) {
    idx.unshift(rest % dims[k]);
    rest = Math.floor(rest / dims[k]);
  }
  return `[${idx.join(",")}]`;
}

/** Per-element |error| / tolerance: ≤ 1 is within tolerance (green), above is off (red, darker = worse). */
export function Heatmap({ label, rows, cols, values, shape }: { label: string; rows: number; cols: number; values: number[]; shape?: number[] }) {
  const t = useTranslations("charts");
  const R = Math.min(rows, 48);
  const C = Math.min(cols, 48);
  const cell = Math.max(6, Math.min(22, Math.floor(300 / Math.max(R, C))));
  const color = (v: number) => {
    if (!Number.isFinite(v)) return "#6b21a8";
    if (v <= 1) return `rgba(22, 163, 74, ${0.25 + 0.5 * v})`;
    const t = Math.min(1, Math.log10(v) / 3);
    return `rgb(${220 - 60 * t}, ${70 - 60 * t}, ${60 - 50 * t})`;
  };
  const off = values.filter((v) => !(v <= 1)).length;
  return (
    <figure className="chart heatmap" data-testid="heatmap">
      <figcaption>
        {/* The label is the grader's expression ("denseForward(x, w, b)"): code, shown as such. */}
        {t.rich(rows > R || cols > C ? "heatmapCaptionClipped" : "heatmapCaption", { label: () => <code>{label}</code>, off, total: values.length, rows: R, cols: C })}
      </figcaption>
      <svg width={C * cell} height={R * cell} role="img" aria-label={t("heatmapLabel", { label })}>
        {Array.from({ length: R }, (_, r) =>
          Array.from({ length: C }, (_, c) => {
            const v = values[r * cols + c];
            return (
              <rect key={`${r}-${c}`} x={c * cell} y={r * cell} width={cell - 1} height={cell - 1} fill={color(v)}>
                <title>{t("cellTitle", { index: `${label}${cellIndex(r * cols + c, shape, cols)}`, v: Number.isFinite(v) ? v.toPrecision(3) : String(v) })}</title>
              </rect>
            );
          }),
        )}
      </svg>
      <div className="legend">
        <span><i className="swatch" style={{ background: "rgba(22,163,74,.6)" }} /> {t("within")}</span>
        <span><i className="swatch" style={{ background: "rgb(190,40,30)" }} /> {t("off")}</span>
      </div>
    </figure>
  );
}

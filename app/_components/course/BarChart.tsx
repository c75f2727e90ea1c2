/** A horizontal or vertical bar chart in plain SVG (server-rendered, like ../Charts.tsx). */
import { useTranslations } from "next-intl";

export function ColumnChart({ values, labels, title, testid }: { values: number[]; labels: string[]; title: string; testid?: string }) {
  const W = 360, H = 170, L = 28, B = 24, T = 8;
  const max = Math.max(1, ...values);
  const bw = (W - L - 8) / values.length;
  return (
    <figure className="chart" data-testid={testid}>
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={title}>
        <line x1={L} x2={W - 8} y1={H - B} y2={H - B} className="grid" />
        <text x={L - 4} y={T + 8} textAnchor="end" className="axis">{max}</text>
        <text x={L - 4} y={H - B} textAnchor="end" className="axis">0</text>
        {values.map((v, i) => {
          const h = ((H - B - T) * v) / max;
          return (
            <g key={i}>
              <rect x={L + i * bw + 2} y={H - B - h} width={bw - 4} height={h} className="bar-rect"><title>{`${labels[i]}: ${v}`}</title></rect>
              {v > 0 && <text x={L + i * bw + bw / 2} y={H - B - h - 2} textAnchor="middle" className="label">{v}</text>}
              <text x={L + i * bw + bw / 2} y={H - 8} textAnchor="middle" className="axis">{labels[i]}</text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

export function HBarChart({ rows, title, tone = "bar-bad", testid }: { rows: { label: string; value: number }[]; title: string; tone?: string; testid?: string }) {
  const W = 460, rowH = 22, L = 250;
  const H = Math.max(1, rows.length) * rowH + 6;
  const max = Math.max(1, ...rows.map((r) => r.value));
  const t = useTranslations("analytics");
  const cut = (s: string) => (s.length > 42 ? s.slice(0, 41) + "…" : s);
  return (
    <figure className="chart" data-testid={testid}>
      <figcaption>{title}</figcaption>
      {rows.length === 0 ? <p className="muted small">{t("nothingYet")}</p> : (
        <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={title}>
          {rows.map((r, i) => {
            const w = ((W - L - 30) * r.value) / max;
            return (
              <g key={i}>
                <text x={L - 6} y={i * rowH + 15} textAnchor="end" className="label">{cut(r.label)}<title>{r.label}</title></text>
                <rect x={L} y={i * rowH + 4} width={w} height={rowH - 8} className={tone} />
                <text x={L + w + 4} y={i * rowH + 15} className="label">{r.value}</text>
              </g>
            );
          })}
        </svg>
      )}
    </figure>
  );
}

/**
 * Charts of the console's figures, drawn by uCharts (@qiun/ucharts: made for Mini Programs, no
 * dependencies, about 140 KB minified, from the admin subpackage's own miniprogram_npm so the
 * landing page never downloads it) on a `<canvas type="2d">`: the page hands over the canvas node
 * and its CSS size, the chart sets the node's pixel size to CSS size × the screen's pixel ratio
 * and draws once, without animation (figures are read, not watched).
 *
 * The package ships an ES module, which `npm run build:mp-npm` turns into CommonJS (its export is
 * then `default`); required, not imported, for the reason qr-canvas.ts gives.
 */

/** The options of uCharts that these charts use (the package has no typings). */
interface UChartsOptions {
  type: ChartKind;
  context: unknown;
  width: number;
  height: number;
  pixelRatio: number;
  categories: string[];
  series: { name: string; data: number[]; color?: string }[];
  animation: boolean;
  background: string;
  color: string[];
  padding: number[];
  fontSize: number;
  dataLabel: boolean;
  dataPointShape: boolean;
  legend: { show: boolean; position: 'bottom' | 'top'; fontSize: number };
  xAxis: { disableGrid: boolean; labelCount: number; fontSize: number; fontColor: string };
  yAxis: {
    gridType: 'dash';
    dashLength: number;
    splitNumber: number;
    data: { min: number; max: number; fontSize: number; formatter(value: number): string }[];
  };
  extra: Record<string, unknown>;
}

type UChartsConstructor = new (options: UChartsOptions) => unknown;

function loadUCharts(): UChartsConstructor {
  /* eslint-disable @typescript-eslint/no-require-imports */
  let loaded: UChartsConstructor | { default: UChartsConstructor };
  try {
    loaded = require('@qiun/ucharts') as typeof loaded;
  } catch {
    loaded = require('../miniprogram_npm/@qiun/ucharts/index') as typeof loaded;
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
  return 'default' in loaded ? loaded.default : loaded;
}

export type ChartKind = 'line' | 'column' | 'area';

/** One chart: a label per point on the x axis and one or more named series over them. */
export interface ChartSpec {
  kind: ChartKind;
  categories: string[];
  series: { name: string; data: number[] }[];
}

/** The part of a `<canvas type="2d">` node a chart needs. */
export interface ChartCanvas {
  width: number;
  height: number;
  getContext(type: '2d'): unknown;
}

/** The console's palette: vant's blue, green, orange, red, then greys. */
export const CHART_COLORS = ['#1989fa', '#07c160', '#ff976a', '#ee0a24', '#7232dd', '#969799'];

/** Grid lines of the y axis. */
const Y_SPLITS = 4;

/** At most this many x labels are written (a month of days or a day of hours stays legible). */
const MAX_X_LABELS = 6;

/** A chart spec, as opposed to a component property not set yet (`{}`). */
export function isChartSpec(value: unknown): value is ChartSpec {
  return (
    typeof value === 'object' &&
    value !== null &&
    'kind' in value &&
    Array.isArray((value as ChartSpec).categories) &&
    Array.isArray((value as ChartSpec).series)
  );
}

/** True when the chart has nothing to draw: no point, or every point zero. */
export function chartIsEmpty(spec: ChartSpec | null | undefined): boolean {
  if (!spec || spec.categories.length === 0) return true;
  return spec.series.every((series) => series.data.every((value) => value === 0));
}

/**
 * Draws `spec` on `canvas` (`cssWidth` × `cssHeight` CSS pixels) at the screen's `ratio`.
 * Returns the canvas's pixel size as drawn.
 */
export function drawChart(
  canvas: ChartCanvas,
  spec: ChartSpec,
  cssWidth: number,
  cssHeight: number,
  ratio: number,
): { width: number; height: number } {
  const UCharts = loadUCharts();
  canvas.width = Math.round(cssWidth * ratio);
  canvas.height = Math.round(cssHeight * ratio);
  const many = spec.categories.length > MAX_X_LABELS;
  // Figures are counts: a top that the grid lines divide evenly keeps every label a whole number.
  const peak = Math.max(0, ...spec.series.flatMap((series) => series.data));
  const top = Math.max(Y_SPLITS, Math.ceil(peak / Y_SPLITS) * Y_SPLITS);
  new UCharts({
    type: spec.kind,
    context: canvas.getContext('2d'),
    width: canvas.width,
    height: canvas.height,
    pixelRatio: ratio,
    categories: spec.categories,
    series: spec.series.map((series) => ({ name: series.name, data: series.data })),
    animation: false,
    background: '#FFFFFF',
    color: CHART_COLORS,
    padding: [12, 12, 4, 4],
    fontSize: 11,
    dataLabel: !many && spec.kind === 'column',
    dataPointShape: !many,
    legend: { show: spec.series.length > 1, position: 'bottom', fontSize: 11 },
    xAxis: {
      disableGrid: true,
      labelCount: Math.min(MAX_X_LABELS, spec.categories.length),
      fontSize: 10,
      fontColor: '#969799',
    },
    yAxis: {
      gridType: 'dash',
      dashLength: 2,
      splitNumber: Y_SPLITS,
      data: [{ min: 0, max: top, fontSize: 10, formatter: (value) => String(Math.round(value)) }],
    },
    extra: {
      line: { type: 'straight', width: 2 },
      area: { type: 'straight', opacity: 0.2, addLine: true, width: 2, gradient: true },
      column: { type: 'group', width: many ? 6 : 16, seriesGap: 2 },
    },
  });
  return { width: canvas.width, height: canvas.height };
}

import { chartIsEmpty, drawChart, isChartSpec } from '../../utils/chart';

/**
 * A chart of the console's figures on a `<canvas type="2d">` (utils/chart.ts), or `emptyText`
 * when there is nothing to draw. Draws when attached to the screen and again whenever `chart`
 * changes (a new date range, hour or day); `drawn` counts the draws (tests and the preview read
 * it from `data-drawn`).
 */
Component({
  properties: {
    chart: { type: Object, value: {} },
    /** CSS pixels. */
    height: { type: Number, value: 200 },
    emptyText: { type: String, value: '这段时间还没有数据' },
  },

  data: { empty: true, drawn: 0 },

  observers: {
    chart(chart: unknown) {
      const empty = chartIsEmpty(isChartSpec(chart) ? chart : null);
      this.setData({ empty }, () => {
        if (!empty) this.draw();
      });
    },
  },

  methods: {
    draw() {
      const chart: unknown = this.data.chart;
      if (!isChartSpec(chart)) return;
      this.createSelectorQuery()
        .select('#chart')
        .fields({ node: true, size: true })
        .exec((results: ({ node?: WechatMiniprogram.Canvas; width?: number } | null)[]) => {
          const found = results[0];
          // No canvas node (an old base library, or not on screen any more): nothing to draw on.
          if (!found?.node || !found.width) return;
          const ratio = typeof wx.getWindowInfo === 'function' ? wx.getWindowInfo().pixelRatio : 2;
          drawChart(found.node, chart, found.width, this.data.height, ratio);
          this.setData({ drawn: this.data.drawn + 1 });
        });
    },
  },
});

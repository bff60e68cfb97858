import { BarChart, LineChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { useEffect, useRef } from "react";

// Only what the dashboard draws, so the bundle carries no more of ECharts than that.
echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

/**
 * One ECharts chart on a canvas. Tooltips are drawn on the canvas too (renderMode richText):
 * ECharts' HTML tooltips write style attributes through innerHTML, which the console's CSP
 * (no 'unsafe-inline') refuses.
 */
export function Chart({ option, testId }: { option: echarts.EChartsCoreOption; testId: string }) {
  const element = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!element.current) return;
    const chart = echarts.init(element.current, undefined, {
      locale: document.documentElement.lang.startsWith("zh") ? "ZH" : "EN",
    });
    chart.setOption({ ...option, tooltip: { trigger: "axis", renderMode: "richText" } });
    const resize = () => chart.resize();
    window.addEventListener("resize", resize);
    return () => {
      window.removeEventListener("resize", resize);
      chart.dispose();
    };
  }, [option]);
  return <div ref={element} className="chart" data-testid={testId} />;
}

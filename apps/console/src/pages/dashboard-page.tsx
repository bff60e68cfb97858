import { Alert, Card, Col, Row, Statistic, Typography } from "antd";
import { useMemo } from "react";
import { Chart } from "../chart.tsx";
import { yuanOf } from "../format.ts";
import { useI18n } from "../i18n.tsx";
import { useApi } from "../use-api.ts";

interface Figures {
  paidFen: number;
  paidCount: number;
  createdCount: number;
}
interface Stats {
  timezone: string;
  today: Figures & { date: string; conversion: number };
  month: Figures & { month: string; conversion: number };
  byHour: (Figures & { hour: number })[];
  byDay: (Figures & { date: string })[];
}

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
/** Axis values in yuan from fen; labels keep the ¥ format of the rest of the console. */
const yuan = (fen: number) => fen / 100;

/** Today and this month at a glance (the admin API's /stats), in the merchant's zone. */
export function DashboardPage() {
  const { t, language } = useI18n();
  const { data, error } = useApi<Stats>("/stats");
  const charts = useMemo(() => {
    if (!data) return undefined;
    const series = (rows: Figures[]) => [
      { name: t("dashboard.paidYuan"), type: "bar", data: rows.map((row) => yuan(row.paidFen)) },
      {
        name: t("dashboard.created"),
        type: "line",
        yAxisIndex: 1,
        data: rows.map((row) => row.createdCount),
      },
      { name: t("dashboard.paid"), type: "line", yAxisIndex: 1, data: rows.map((row) => row.paidCount) },
    ];
    const axes = [
      { type: "value", name: "¥", axisLabel: { formatter: (value: number) => `¥${value}` } },
      { type: "value", name: t("dashboard.count"), minInterval: 1 },
    ];
    return {
      byHour: {
        legend: { top: 0 },
        grid: { left: 48, right: 48, top: 48, bottom: 32 },
        xAxis: { type: "category", data: data.byHour.map((row) => `${row.hour}:00`) },
        yAxis: axes,
        series: series(data.byHour),
      },
      byDay: {
        legend: { top: 0 },
        grid: { left: 48, right: 48, top: 48, bottom: 32 },
        xAxis: { type: "category", data: data.byDay.map((row) => row.date.slice(5)) },
        yAxis: axes,
        series: series(data.byDay),
      },
    };
    // The language is in the series' names.
  }, [data, t]);
  if (error) return <Alert type="error" showIcon message={error.message} />;
  if (!data || !charts) return <Card loading />;
  return (
    <div key={language}>
      <Typography.Paragraph type="secondary">
        {t("orders.timeZone", { zone: data.timezone })} · {data.today.date}
      </Typography.Paragraph>
      <Row gutter={[16, 16]}>
        <Col xs={24} md={12}>
          <Card title={t("dashboard.today")} size="small">
            <Row>
              <Col span={8}>
                <Statistic
                  title={t("dashboard.paidAmount")}
                  value={yuanOf(data.today.paidFen)}
                  data-testid="today-paid"
                />
              </Col>
              <Col span={8}>
                <Statistic title={t("dashboard.paidCount")} value={data.today.paidCount} />
              </Col>
              <Col span={8}>
                <Statistic
                  title={t("dashboard.conversion")}
                  value={percent(data.today.conversion)}
                  data-testid="today-conversion"
                />
              </Col>
            </Row>
          </Card>
        </Col>
        <Col xs={24} md={12}>
          <Card title={t("dashboard.month", { month: data.month.month })} size="small">
            <Row>
              <Col span={8}>
                <Statistic
                  title={t("dashboard.paidAmount")}
                  value={yuanOf(data.month.paidFen)}
                  data-testid="month-paid"
                />
              </Col>
              <Col span={8}>
                <Statistic title={t("dashboard.paidCount")} value={data.month.paidCount} />
              </Col>
              <Col span={8}>
                <Statistic title={t("dashboard.conversion")} value={percent(data.month.conversion)} />
              </Col>
            </Row>
          </Card>
        </Col>
        <Col span={24}>
          <Card title={t("dashboard.byHour")} size="small">
            <Chart option={charts.byHour} testId="chart-by-hour" />
          </Card>
        </Col>
        <Col span={24}>
          <Card title={t("dashboard.byDay")} size="small">
            <Chart option={charts.byDay} testId="chart-by-day" />
          </Card>
        </Col>
      </Row>
    </div>
  );
}

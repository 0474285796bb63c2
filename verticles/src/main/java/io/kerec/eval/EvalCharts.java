package io.kerec.eval;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.CategoryStyler;
import org.knowm.xchart.style.Styler.LegendPosition;

/**
 * PNG charts of an {@link EvalReport}, drawn with XChart. Its static initializer sets
 * {@code java.awt.headless=true} (when the property is unset) before any AWT class is initialized, so it
 * renders on servers without a display.
 */
final class EvalCharts {
  static {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  private EvalCharts() {
  }

  static List<Path> write(EvalReport report, Map<String, Map<Integer, MethodMetrics>> methods, Path hr, Path cold)
      throws IOException {
    List<String> names = new ArrayList<>(methods.keySet());
    if (names.isEmpty()) {
      names.add("(no method)");
    }
    String title = report.protocol().id() + " protocol, " + report.users() + " "
        + (report.protocol() == EvalProtocol.PERIOD ? "users" : "cases");
    List<Series> hrSeries = new ArrayList<>();
    List<Series> coldSeries = new ArrayList<>();
    for (int k : report.ks()) {
      hrSeries.add(series("HR@" + k, names, methods, k, MethodMetrics::hr));
      hrSeries.add(series("NDCG@" + k, names, methods, k, MethodMetrics::ndcg));
      coldSeries.add(series("warm HR@" + k, names, methods, k, MethodMetrics::warmHr));
      coldSeries.add(series("cold HR@" + k, names, methods, k, MethodMetrics::coldHr));
    }
    save(bars("HR and NDCG by method: " + title, names, hrSeries), hr);
    save(bars("Warm vs cold HR by method: " + title + " (" + report.coldUsers() + " with a cold target)", names,
        coldSeries), cold);
    return List.of(hr, cold);
  }

  private record Series(String name, List<Double> values) {
  }

  private static Series series(String name, List<String> methods, Map<String, Map<Integer, MethodMetrics>> all,
      int k, ToDoubleFunction<MethodMetrics> f) {
    List<Double> v = new ArrayList<>();
    for (String m : methods) {
      MethodMetrics mm = all.getOrDefault(m, Map.of()).get(k);
      v.add(mm == null ? 0.0 : f.applyAsDouble(mm));
    }
    return new Series(name, v);
  }

  private static CategoryChart bars(String title, List<String> methods, List<Series> series) {
    int width = Math.max(800, 140 * methods.size() + 200);
    CategoryChart chart = new CategoryChartBuilder().width(width).height(500)
        .title(title).xAxisTitle("method").yAxisTitle("value").build();
    CategoryStyler s = chart.getStyler();
    s.setLegendPosition(LegendPosition.OutsideE);
    s.setYAxisMin(0.0);
    s.setYAxisDecimalPattern("0.00");
    s.setChartBackgroundColor(Color.WHITE);
    s.setAvailableSpaceFill(0.8);
    for (Series x : series) {
      chart.addSeries(x.name(), methods, x.values());
    }
    return chart;
  }

  private static void save(CategoryChart chart, Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      BitmapEncoder.saveBitmap(chart, out, BitmapFormat.PNG);
    }
  }
}

package io.kerec.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vertx.core.json.JsonObject;
import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Shared parts of the serve and live benches: the output directory, {@code bench.json}, charts, the child JVM. */
final class BenchReport {
  static {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private BenchReport() {
  }

  static Path out() throws IOException {
    Path out = Path.of(System.getProperty("kerec.bench.out", "target/bench"));
    Files.createDirectories(out);
    return out;
  }

  static String now() {
    return ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z"));
  }

  /** Writes {@code bench-<key>.json} and merges {@code key} into {@code bench.json}. */
  static void put(Path out, String key, Map<String, Object> value) throws IOException {
    JSON.writeValue(out.resolve("bench-" + key + ".json").toFile(), Map.of(key, value));
    Path combined = out.resolve("bench.json");
    Map<String, Object> all = Files.exists(combined)
        ? JSON.readValue(combined.toFile(), new TypeReference<LinkedHashMap<String, Object>>() { })
        : new LinkedHashMap<>();
    all.put(key, value);
    JSON.writeValue(combined.toFile(), all);
  }

  /** A line series of a chart. */
  record Line(String name, List<? extends Number> x, List<? extends Number> y) {
  }

  /** A PNG line chart, the x axis logarithmic when {@code logX}. */
  static void chart(Path file, String title, String xTitle, String yTitle, boolean logX, List<Line> lines)
      throws IOException {
    XYChart chart = new XYChartBuilder().width(800).height(450).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle)
        .build();
    chart.getStyler().setLegendPosition(LegendPosition.InsideNW);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setXAxisLogarithmic(logX);
    chart.getStyler().setYAxisMin(0.0);
    for (Line l : lines) {
      chart.addSeries(l.name(), new ArrayList<Number>(l.x()), new ArrayList<Number>(l.y()))
          .setMarker(SeriesMarkers.CIRCLE);
    }
    try (OutputStream o = Files.newOutputStream(file)) {
      BitmapEncoder.saveBitmap(chart, o, BitmapFormat.PNG);
    }
  }

  /**
   * Runs {@link LoadGenerator} as a child JVM on this JVM's class path, with {@code jvmOptions} besides its heap
   * limit, and returns its JSON result; its output goes to {@code log}. Fails if it does not exit with 0 within
   * {@code timeoutSeconds}.
   */
  static JsonObject loadGenerator(Path work, long timeoutSeconds, List<String> jvmOptions, String... args)
      throws Exception {
    Path result = work.resolve("loadgen-" + args[0] + ".json");
    Path log = work.resolve("loadgen-" + args[0] + ".log");
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m"));
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), LoadGenerator.class.getName()));
    cmd.addAll(List.of(args));
    cmd.add(result.toString());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        throw new AssertionError("load generator still running after " + timeoutSeconds + " s; log: "
            + Files.readString(log));
      }
    } finally {
      p.destroyForcibly();
    }
    if (p.exitValue() != 0) {
      throw new AssertionError("load generator exited with " + p.exitValue() + ": " + Files.readString(log));
    }
    System.out.print(Files.readString(log));
    return new JsonObject(Files.readString(result));
  }
}

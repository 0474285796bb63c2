package io.kerec.jmh;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * {@code ./kerec bench jmh}: the hot-path micro-benchmarks (entity extraction, recall, scoring 200 candidates) with
 * short settings (1 fork, 4 warm-up and 3 measured iterations of 1 s), then {@code bench-jmh.md} and the {@code jmh}
 * key of {@code bench.json} in the directory given as the only argument.
 */
public final class JmhMain {
  private JmhMain() {
  }

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "target/bench");
    Files.createDirectories(out);
    String when = ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z"));
    Collection<RunResult> results = new Runner(new OptionsBuilder()
        .include("io\\.kerec\\..*Benchmark")
        .forks(1).warmupIterations(4).warmupTime(TimeValue.seconds(1))
        .measurementIterations(3).measurementTime(TimeValue.seconds(1))
        .jvmArgsAppend("-Xmx2g", "-Dai.djl.offline=true")
        .build()).run();
    Map<String, Object> jmh = new LinkedHashMap<>();
    StringBuilder md = new StringBuilder("# JMH micro-benchmarks\n\n");
    md.append("Measured ").append(when).append(". One fork, 4 warm-up and 3 measured iterations of 1 s, average time "
        + "per call; error is JMH's 99.9% half-interval over the 3 iterations (wide with so few).\n\n"
        + "| benchmark | µs/op | ± | ops/s |\n|---|---:|---:|---:|\n");
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark().replaceFirst("^io\\.kerec\\.", "");
      Result<?> primary = r.getPrimaryResult();
      double us = primary.getScore();
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("us_per_op", round(us));
      row.put("error_us", round(primary.getScoreError()));
      row.put("ops_per_s", Math.round(1e6 / us));
      jmh.put(name, row);
      md.append(String.format(Locale.ROOT, "| `%s` | %.2f | %.2f | %,d |%n", name, us, primary.getScoreError(),
          Math.round(1e6 / us)));
    }
    jmh.put("measured", when);
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    Path combined = out.resolve("bench.json");
    Map<String, Object> all = Files.exists(combined)
        ? json.readValue(combined.toFile(), new TypeReference<LinkedHashMap<String, Object>>() { })
        : new LinkedHashMap<>();
    all.put("jmh", jmh);
    json.writeValue(combined.toFile(), all);
    json.writeValue(out.resolve("bench-jmh.json").toFile(), Map.of("jmh", jmh));
    Files.writeString(out.resolve("bench-jmh.md"), md.toString());
  }

  private static double round(double x) {
    return Math.round(x * 100) / 100.0;
  }
}

package io.kerec.graph;

import io.kerec.bus.Candidate;
import io.kerec.config.RecallOptions;
import io.kerec.graph.recall.RandomShop;
import io.kerec.graph.recall.RecallView;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@link RecallView#recall(String, RecallOptions, int)} with the bundled recall settings (500 candidates) over a
 * {@link RandomShop} of 4,000 items, 3,000 users and 170,000 purchases (the size of the serve bench's graph),
 * users taken round-robin.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RecallBenchmark {
  private static final RecallOptions OPTIONS = new RecallOptions(20, 20, 30, 10, 200, 0, 20, 20, 500, 0, 7);
  private RecallView view;
  private int next;

  @Setup(Level.Trial)
  public void shop() {
    view = RandomShop.build(7, 4_000, 3_000, 170_000);
  }

  @Benchmark
  public List<Candidate> recall() {
    next = (next + 1) % 3_000;
    return view.recall("u" + next, OPTIONS, 500);
  }
}

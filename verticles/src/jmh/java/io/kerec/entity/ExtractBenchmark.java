package io.kerec.entity;

import io.kerec.dataset.CatalogItem;
import io.kerec.dataset.Datasets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Entity extraction of one title with the bundled dictionary and compounds learned from the catalogue: the titles of
 * the shared Online Retail file (found by walking up from the working directory), taken in turn.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ExtractBenchmark {
  private static final Path RELATIVE = Path.of("shared", "datasets", "online-retail", "transactions.csv.gz");
  private EntityExtractor extractor;
  private List<String> titles;
  private int next;

  @Setup(Level.Trial)
  public void catalogue() throws IOException {
    Path file = null;
    for (Path d = Path.of("").toAbsolutePath(); d != null && file == null; d = d.getParent()) {
      file = Files.isRegularFile(d.resolve(RELATIVE)) ? d.resolve(RELATIVE) : null;
    }
    if (file == null) {
      throw new IllegalStateException("the shared Online Retail file " + RELATIVE + " is not in a parent directory");
    }
    titles = Datasets.read(file).catalog().stream().map(CatalogItem::title).toList();
    extractor = EntityExtractors.create(EntityDictionary.bundled(), titles);
  }

  @Benchmark
  public List<String> extract() {
    next = (next + 1) % titles.size();
    return extractor.extract(titles.get(next));
  }
}

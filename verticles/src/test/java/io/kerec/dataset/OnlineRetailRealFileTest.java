package io.kerec.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reads the shared Online Retail file ({@code shared/datasets/online-retail/transactions.csv.gz}, found by
 * walking up from the working directory) and checks the counts its README states. Skipped, with the reason,
 * where the file is not there.
 */
class OnlineRetailRealFileTest {
  static final Path RELATIVE = Path.of("shared", "datasets", "online-retail", "transactions.csv.gz");
  static Dataset ds;
  static double readSeconds;
  static double readCpuSeconds;

  /** The shared file, looked for in the working directory and each of its parents. */
  static Optional<Path> sharedFile() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path f = dir.resolve(RELATIVE);
      if (Files.isRegularFile(f)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  /** Why the tests cannot run here, or null; each test reports it as its reason for being skipped. */
  static String missing;

  @BeforeEach
  void needsTheSharedFile() {
    Assumptions.assumeTrue(missing == null, () -> "skipped: " + missing);
  }

  @BeforeAll
  static void read() throws IOException {
    Optional<Path> file = sharedFile();
    if (file.isEmpty()) {
      missing = "the shared Online Retail file " + RELATIVE + " is not in " + Path.of("").toAbsolutePath()
          + " or any parent directory";
      return;
    }
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long c0 = mx.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    ds = Datasets.read(file.get());
    readSeconds = (System.nanoTime() - t0) / 1e9;
    readCpuSeconds = (mx.getCurrentThreadCpuTime() - c0) / 1e9;
    System.out.printf("read %s in %.2f s (%.2f s CPU on this thread)%n%s%n", file.get(), readSeconds,
        readCpuSeconds, ds.summary());
  }

  @Test
  void rawCountsMatchTheReadme() {
    Map<String, Long> c = ds.counts();
    assertThat(c).containsEntry("rows", 416_749L)
        .containsEntry("raw.invoices", 20_760L)
        .containsEntry("raw.cancelledInvoices", 3_190L)
        .containsEntry("raw.customers", 3_935L)
        .containsEntry("raw.stockCodes", 3_985L)
        .containsEntry("raw.guestRows", 105_508L)
        .containsEntry("raw.emptyDescription", 1_351L)
        .containsEntry("raw.negativeQuantity", 8_839L)
        .containsEntry("raw.nonPositivePrice", 2_116L);
  }

  @Test
  void cleanedCounts() {
    // measured once and cross-checked with an independent Python reading of the file
    assertThat(ds.counts()).containsEntry("kept", 302_633L)
        .containsEntry("dropped.cancelled", 7_726L)
        .containsEntry("dropped.quantity", 1_113L)
        .containsEntry("dropped.price", 1_003L)
        .containsEntry("dropped.guest", 103_063L)
        .containsEntry("dropped.nonProduct", 1_211L)
        .containsEntry("dropped.noDescription", 0L)
        .containsEntry("catalog.items", 3_727L);
    assertThat(ds.userCount()).isEqualTo(3_894);
    assertThat(ds.soldItemCount()).isEqualTo(3_597);
    assertThat(ds.basketCount()).isEqualTo(14_499);
    assertThat(ds.purchases().get(0).ts()).isEqualTo(Instant.parse("2010-12-01T08:26:00Z"));
    assertThat(ds.purchases().get(ds.purchases().size() - 1).ts()).isEqualTo(Instant.parse("2011-10-24T17:19:00Z"));
    assertThat(ds.purchases().get(0))
        .isEqualTo(new Purchase("17850", "85123A", "536365", Instant.parse("2010-12-01T08:26:00Z"), 6, 2.55));
  }

  @Test
  void catalogCoversEveryPurchaseWithATitle() {
    Map<String, CatalogItem> cat = ds.catalog().stream().collect(Collectors.toMap(CatalogItem::itemId, c -> c));
    // plain loops: AssertJ's allSatisfy is slow on 300k elements
    for (Purchase p : ds.purchases()) {
      if (!cat.containsKey(p.itemId())) {
        throw new AssertionError("purchase of an item missing from the catalog: " + p);
      }
    }
    for (CatalogItem c : ds.catalog()) {
      if (c.title().isBlank() || c.price() == null || c.price() <= 0) {
        throw new AssertionError("catalog item without a title or a positive price: " + c);
      }
    }
    assertThat(cat.get("85123A").title()).isEqualTo("WHITE HANGING HEART T-LIGHT HOLDER");
  }

  @Test
  void splitKeepsEverything() {
    Dataset.Split s = ds.splitAt(Instant.parse("2011-09-01T00:00:00Z"));
    assertThat(s.train().purchases().size() + s.test().purchases().size()).isEqualTo(ds.purchases().size());
    Instant cut = Instant.parse("2011-09-01T00:00:00Z");
    assertThat(s.train().purchases().get(s.train().purchases().size() - 1).ts()).isBefore(cut);
    assertThat(s.test().purchases().get(0).ts()).isAfterOrEqualTo(cut);
    assertThat(s.test().catalog()).hasSize(ds.catalog().size());
  }

  @Test
  void readsInACoupleOfSeconds() {
    // CPU time of the reading thread (about 1.5-3 s cold), not wall time, which a busy shared machine
    // stretches; a generous bound that still catches an accidental quadratic step
    assertThat(readCpuSeconds).isLessThan(15.0);
  }
}

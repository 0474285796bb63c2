package io.kerec.graph.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.kerec.graph.ComplementEdge;
import io.kerec.graph.GraphOptions;
import io.kerec.graph.ItemNode;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bulk load on real BerkeleyDB JE: 10k items with 2 entities each (1,000 distinct entities), 20k complement edges
 * (20 per entity), 1k top-20 queries, full scans, reopen. Asserts correctness only; prints the times. Tagged
 * {@code slow} (about 35 s on 2 cores): {@code mvn -P unit} leaves it out, {@code mvn verify} runs it.
 */
@Tag("slow")
class GraphStoreBulkTest {
  static final int ITEMS = 10_000;
  static final int ENTITIES = 1_000;
  static final int EDGES_PER_ENTITY = 20;
  static final int BATCH = 1_000;

  @TempDir
  Path dir;

  /** Wall time and the calling thread's CPU time (the machine may be shared: CPU time is the steadier figure). */
  private static final class Clock {
    private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    private long wall;
    private long cpu;

    Clock() {
      start();
    }

    void start() {
      wall = System.nanoTime();
      cpu = mx.getCurrentThreadCpuTime();
    }

    long[] stop() {
      return new long[] {System.nanoTime() - wall, mx.getCurrentThreadCpuTime() - cpu};
    }
  }

  private static String entity(int i) {
    return "entity-" + i;
  }

  /** Two distinct entities per item. */
  private static List<String> entitiesOf(int item) {
    int a = item % ENTITIES;
    int b = (item * 7 + 3) % ENTITIES;
    if (b == a) {
      b = (a + 1) % ENTITIES;
    }
    return List.of(entity(a), entity(b));
  }

  @Test
  void bulkLoadQueryScanReopen() {
    GraphOptions options = GraphOptions.berkeleyje(dir.resolve("graph").toString());
    Map<String, long[]> times = new java.util.LinkedHashMap<>();

    Clock clock = new Clock();
    JanusGraphStore store = JanusGraphStore.open(options);
    times.put("open (new graph, schema v1)", clock.stop());
    Map<String, double[]> weights = new HashMap<>();
    try {
      clock.start();
      for (int from = 0; from < ITEMS; from += BATCH) {
        List<ItemNode> batch = new ArrayList<>(BATCH);
        for (int i = from; i < from + BATCH; i++) {
          batch.add(new ItemNode("item-" + i, "Item " + i, entitiesOf(i)));
        }
        store.upsertItems(batch);
      }
      times.put("upsertItems 10k items x 2 entities (10 calls of 1k)", clock.stop());

      Random random = new Random(42);
      List<ComplementEdge> edges = new ArrayList<>();
      for (int a = 0; a < ENTITIES; a++) {
        double[] w = new double[EDGES_PER_ENTITY];
        for (int j = 0; j < EDGES_PER_ENTITY; j++) {
          w[j] = Math.round(random.nextDouble() * 1e6) / 1e6;
          edges.add(ComplementEdge.verdict(entity(a), entity((a + 1 + 37 * j) % ENTITIES), w[j], 0.9, "evidence", a));
        }
        weights.put(entity(a), w);
      }
      clock.start();
      for (int from = 0; from < edges.size(); from += BATCH) {
        store.upsertComplements(edges.subList(from, Math.min(edges.size(), from + BATCH)));
      }
      times.put("upsertComplements 20k edges (20 calls of 1k)", clock.stop());

      clock.start();
      for (int from = 0; from < ITEMS; from += BATCH) {
        List<ItemNode> batch = new ArrayList<>(BATCH);
        for (int i = from; i < from + BATCH; i++) {
          batch.add(new ItemNode("item-" + i, "Item " + i, entitiesOf(i)));
        }
        store.upsertItems(batch);
      }
      times.put("upsertItems same 10k again (no change)", clock.stop());

      clock.start();
      for (int from = 0; from < edges.size(); from += BATCH) {
        store.upsertComplements(edges.subList(from, Math.min(edges.size(), from + BATCH)));
      }
      times.put("upsertComplements same 20k again (unchanged)", clock.stop());

      List<ComplementEdge> updated = new ArrayList<>(edges.size());
      for (ComplementEdge e : edges) {
        updated.add(new ComplementEdge(e.from(), e.to(), e.weight(), 0.95, "openai", 0, 0, e.updatedAt() + 1));
      }
      clock.start();
      for (int from = 0; from < updated.size(); from += BATCH) {
        store.upsertComplements(updated.subList(from, Math.min(updated.size(), from + BATCH)));
      }
      times.put("upsertComplements 20k new verdicts (edge updates)", clock.stop());

      clock.start();
      store.upsertItems(List.of(new ItemNode("item-0", "Item 0", entitiesOf(0))));
      times.put("upsertItems 1 item (existing, single call)", clock.stop());

      clock.start();
      int returned = 0;
      for (int q = 0; q < 1_000; q++) {
        String e = entity(q % ENTITIES);
        List<ComplementEdge> top = store.topComplements(e, 20);
        returned += top.size();
        double[] w = weights.get(e).clone();
        java.util.Arrays.sort(w);
        assertThat(top.get(0).weight()).isEqualTo(w[w.length - 1]);
        assertThat(top).isSortedAccordingTo((x, y) -> Double.compare(y.weight(), x.weight()));
        assertThat(top).allSatisfy(c -> assertThat(c.provenance()).isEqualTo("openai"));
      }
      times.put("1k topComplements(k=20)", clock.stop());
      assertThat(returned).isEqualTo(1_000 * EDGES_PER_ENTITY);

      clock.start();
      for (int q = 0; q < 1_000; q++) {
        returned += store.topComplements(entity((q * 13) % ENTITIES), 20).size();
      }
      times.put("1k topComplements(k=20) again (warm)", clock.stop());

      clock.start();
      Set<String> seen = new HashSet<>();
      AtomicLong links = new AtomicLong();
      store.forEachItem(i -> {
        seen.add(i.itemId());
        links.addAndGet(i.entities().size());
        assertThat(i.entities()).containsExactlyInAnyOrderElementsOf(entitiesOf(Integer.parseInt(i.itemId().substring(5))));
      });
      times.put("forEachItem (10k items)", clock.stop());
      assertThat(seen).hasSize(ITEMS);
      assertThat(links.get()).isEqualTo(2L * ITEMS);

      clock.start();
      AtomicLong again = new AtomicLong();
      store.forEachItem(i -> again.incrementAndGet());
      times.put("forEachItem again (warm)", clock.stop());
      assertThat(again.get()).isEqualTo(ITEMS);

      clock.start();
      AtomicLong count = new AtomicLong();
      store.forEachComplement(e -> count.incrementAndGet());
      times.put("forEachComplement (20k edges)", clock.stop());
      assertThat(count.get()).isEqualTo((long) ENTITIES * EDGES_PER_ENTITY);

      clock.start();
      assertThat(store.countItems()).isEqualTo(ITEMS);
      assertThat(store.countEntities()).isEqualTo(ENTITIES);
      assertThat(store.countComplements()).isEqualTo((long) ENTITIES * EDGES_PER_ENTITY);
      times.put("countItems + countEntities + countComplements", clock.stop());
    } finally {
      clock.start();
      store.close();
      times.put("close", clock.stop());
    }

    clock.start();
    JanusGraphStore reopened = JanusGraphStore.open(options);
    times.put("reopen (schema up to date)", clock.stop());
    try {
      assertThat(reopened.schemaReport().noop()).isTrue();
      clock.start();
      List<ComplementEdge> top = reopened.topComplements(entity(7), 20);
      times.put("first topComplements after reopen", clock.stop());
      assertThat(top).hasSize(EDGES_PER_ENTITY);
      assertThat(reopened.item("item-9999").orElseThrow().entities())
          .containsExactlyInAnyOrderElementsOf(entitiesOf(9999));
      clock.start();
      AtomicLong n = new AtomicLong();
      reopened.forEachItem(i -> n.incrementAndGet());
      times.put("forEachItem after reopen (cold caches)", clock.stop());
      assertThat(n.get()).isEqualTo(ITEMS);
    } finally {
      reopened.close();
    }
    StringBuilder report = new StringBuilder(String.format(
        "%nGraphStore bulk timings (berkeleyje; wall and CPU of the calling thread; %d cores, load %.1f):%n",
        Runtime.getRuntime().availableProcessors(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
    times.forEach((k, v) -> report.append(String.format("  %-55s %8.1f ms wall %8.1f ms cpu%n", k, v[0] / 1e6,
        v[1] / 1e6)));
    System.out.println(report);
  }
}

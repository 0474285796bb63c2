package io.kerec.graph.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.kerec.graph.ComplementEdge;
import io.kerec.graph.GraphOptions;
import io.kerec.graph.GraphStore;
import io.kerec.graph.ItemNode;
import io.kerec.store.LocalCassandra;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The graph store on a real Cassandra (cassandra-all 4.1, started by the launcher of {@code kerec cassandra} in a
 * child JVM): three stores opened at once on one keyspace (the schema applied by all three concurrently), and the
 * same import into BerkeleyDB JE and Cassandra giving the same complements for the 20 most popular entities. Tagged
 * {@code e2e}: {@code mvn verify} runs it; a Cassandra that cannot start fails it. Prints its timings.
 */
@Tag("e2e")
class CqlGraphStoreTest {
  static final int ITEMS = 300;
  static final int ENTITIES = 50;
  static final int EDGES_PER_ENTITY = 10;

  @TempDir
  static Path dir;

  static LocalCassandra cassandra;
  static final Map<String, Long> TIMES = new LinkedHashMap<>();

  @BeforeAll
  static void startCassandra() throws IOException {
    long t = System.nanoTime();
    cassandra = LocalCassandra.start(new LocalCassandra.Options(Path.of(".."), dir.resolve("cassandra"), freePort(),
        freePort(), 512, false, Duration.ofMinutes(3)));
    TIMES.put("cassandra ready (launcher to first CQL answer)", (System.nanoTime() - t) / 1_000_000);
  }

  @AfterAll
  static void stopCassandra() {
    if (cassandra != null) {
      cassandra.close();
    }
    System.out.println("CqlGraphStoreTest timings (ms): " + TIMES);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static GraphOptions cql(String keyspace) {
    return new GraphOptions(GraphOptions.CQL, null, Map.of("storage.hostname", "127.0.0.1",
        "storage.port", String.valueOf(cassandra.nativePort()), "storage.cql.keyspace", keyspace));
  }

  @Test
  void threeInstancesOpeningAtOnceApplyTheSchemaOnceAndShareTheGraph() throws Exception {
    GraphOptions options = cql("race");
    ExecutorService pool = Executors.newFixedThreadPool(3);
    List<JanusGraphStore> stores = new ArrayList<>();
    long t = System.nanoTime();
    try {
      List<Future<JanusGraphStore>> opening = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        opening.add(pool.submit((Callable<JanusGraphStore>) () -> JanusGraphStore.open(options)));
      }
      for (Future<JanusGraphStore> f : opening) {
        stores.add(f.get(5, TimeUnit.MINUTES));
      }
      TIMES.put("3 stores opened at once (new keyspace)", (System.nanoTime() - t) / 1_000_000);
      GraphSchema schema = GraphSchema.load();
      for (JanusGraphStore s : stores) {
        assertThat(GraphSchema.appliedVersion(s.graph())).isEqualTo(schema.latestVersion());
        assertThat(schema.apply(s.graph()).noop()).as("schema already complete").isTrue();
      }
      // every schema element exists once, whoever created it
      var mgmt = stores.get(0).graph().openManagement();
      try {
        List<String> keys = new ArrayList<>();
        mgmt.getRelationTypes(org.janusgraph.core.PropertyKey.class).forEach(k -> keys.add(k.name()));
        assertThat(keys).doesNotHaveDuplicates().contains("name", "itemId", "weight");
        assertThat(mgmt.getGraphIndexes(org.apache.tinkerpop.gremlin.structure.Vertex.class)).hasSize(2);
      } finally {
        mgmt.rollback();
      }

      // the three write the same entities at once: each ends up once, whoever created it
      List<Future<?>> writes = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        JanusGraphStore s = stores.get(i);
        int n = i;
        writes.add(pool.submit(() -> {
          s.upsertItems(List.of(new ItemNode("shared-" + n, "TEACUP " + n, List.of("teacup", "saucer"))));
          s.upsertComplements(List.of(new ComplementEdge("teacup", "saucer", 0.9, 0.9, "evidence", 0, 0, 1L)));
        }));
      }
      for (Future<?> f : writes) {
        f.get(2, TimeUnit.MINUTES);
      }
      for (JanusGraphStore s : stores) {
        assertThat(s.countEntities()).isEqualTo(2);
        assertThat(s.countItems()).isEqualTo(3);
        assertThat(s.topComplements("teacup", 5)).extracting(ComplementEdge::to).containsExactly("saucer");
      }
    } finally {
      stores.forEach(JanusGraphStore::close);
      pool.shutdownNow();
    }
    // and a later instance opens the existing keyspace with nothing to apply
    t = System.nanoTime();
    try (JanusGraphStore again = JanusGraphStore.open(options)) {
      TIMES.put("reopen existing keyspace", (System.nanoTime() - t) / 1_000_000);
      assertThat(again.schemaReport().noop()).isTrue();
      assertThat(again.item("shared-1")).map(ItemNode::entities).hasValueSatisfying(
          e -> assertThat(e).containsExactlyInAnyOrder("teacup", "saucer"));
    }
  }

  @Test
  void theSameImportGivesTheSameComplementsAsBerkeleyJe() {
    Shop shop = Shop.seeded(17);
    Map<String, List<ComplementEdge>> je;
    Map<String, List<ComplementEdge>> cassandraAnswers;
    try (GraphStore store = JanusGraphStore.open(GraphOptions.berkeleyje(dir.resolve("je").toString()))) {
      long t = System.nanoTime();
      shop.importInto(store);
      TIMES.put("import into berkeleyje", (System.nanoTime() - t) / 1_000_000);
      t = System.nanoTime();
      je = shop.complementsOfPopular(store);
      TIMES.put("20 top-complement reads, berkeleyje", (System.nanoTime() - t) / 1_000_000);
    }
    try (GraphStore store = JanusGraphStore.open(cql("same_import"))) {
      long t = System.nanoTime();
      shop.importInto(store);
      TIMES.put("import into cql", (System.nanoTime() - t) / 1_000_000);
      t = System.nanoTime();
      cassandraAnswers = shop.complementsOfPopular(store);
      TIMES.put("20 top-complement reads, cql", (System.nanoTime() - t) / 1_000_000);
      assertThat(store.countItems()).isEqualTo(ITEMS);
      assertThat(store.countComplements()).isEqualTo(shop.edges.size());
    }
    assertThat(je).hasSize(20);
    assertThat(je.values()).allSatisfy(list -> assertThat(list).isNotEmpty());
    assertThat(cassandraAnswers).isEqualTo(je);
    System.out.println("CqlGraphStoreTest: identical complements for the 20 most popular entities: "
        + je.values().stream().mapToInt(List::size).sum() + " edges compared");
  }

  /**
   * A seeded shop: items of one or two entities (some entities far more common than others), judged complements
   * with distinct weights, an update of some verdicts and feedback on others, imported in batches.
   */
  record Shop(List<ItemNode> items, List<ComplementEdge> edges, List<ComplementEdge> revised,
              List<io.kerec.graph.EdgeFeedback> feedback, List<String> popular) {
    static Shop seeded(long seed) {
      Random rnd = new Random(seed);
      List<ItemNode> items = new ArrayList<>();
      Map<String, Integer> itemsPerEntity = new HashMap<>();
      for (int i = 0; i < ITEMS; i++) {
        // skewed: low entity numbers are popular
        int a = (int) Math.floor(ENTITIES * Math.pow(rnd.nextDouble(), 2));
        List<String> es = new ArrayList<>(List.of("entity-" + a));
        if (rnd.nextInt(3) == 0) {
          int b = (a + 1 + rnd.nextInt(ENTITIES - 1)) % ENTITIES;
          es.add("entity-" + b);
        }
        es.forEach(e -> itemsPerEntity.merge(e, 1, Integer::sum));
        items.add(new ItemNode("item-" + i, "TITLE " + i, es));
      }
      Map<String, ComplementEdge> edges = new LinkedHashMap<>();
      for (int e = 0; e < ENTITIES; e++) {
        for (int k = 0; k < EDGES_PER_ENTITY; k++) {
          int to = rnd.nextInt(ENTITIES);
          if (to != e) {
            double conf = rnd.nextDouble();
            edges.put(e + ">" + to, new ComplementEdge("entity-" + e, "entity-" + to, 0.05 + 0.9 * rnd.nextDouble(),
                conf, rnd.nextBoolean() ? "evidence" : "openai:gpt-4o-mini", 0, 0, 1_700_000_000_000L + e * 100 + k));
          }
        }
      }
      List<ComplementEdge> all = new ArrayList<>(edges.values());
      List<ComplementEdge> revised = new ArrayList<>();
      List<io.kerec.graph.EdgeFeedback> feedback = new ArrayList<>();
      for (int i = 0; i < all.size(); i += 7) {
        ComplementEdge c = all.get(i);
        revised.add(new ComplementEdge(c.from(), c.to(), c.weight() * 0.5, c.confidence(), "external",
            0, 0, c.updatedAt() + 1));
      }
      for (int i = 3; i < all.size(); i += 11) {
        ComplementEdge c = all.get(i);
        feedback.add(new io.kerec.graph.EdgeFeedback(c.from(), c.to(), 10 + i % 5, i % 4, c.weight() * 1.1));
      }
      List<String> popular = itemsPerEntity.entrySet().stream()
          .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
          .limit(20).map(Map.Entry::getKey).toList();
      return new Shop(items, all, revised, feedback, popular);
    }

    void importInto(GraphStore store) {
      for (int i = 0; i < items.size(); i += 200) {
        store.upsertItems(items.subList(i, Math.min(items.size(), i + 200)));
      }
      for (int i = 0; i < edges.size(); i += 250) {
        store.upsertComplements(edges.subList(i, Math.min(edges.size(), i + 250)));
      }
      store.upsertComplements(revised);
      store.applyFeedback(feedback);
    }

    /** Each popular entity's complements as the store ranks them (all of them, so no tie is cut at k). */
    Map<String, List<ComplementEdge>> complementsOfPopular(GraphStore store) {
      Map<String, List<ComplementEdge>> out = new LinkedHashMap<>();
      for (String e : popular) {
        List<ComplementEdge> top = store.topComplements(e, 50);
        assertThat(top).isSortedAccordingTo(Comparator.comparingDouble(ComplementEdge::weight).reversed());
        out.put(e, top);
      }
      return out;
    }
  }
}

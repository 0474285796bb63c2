package io.kerec.graph.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.kerec.graph.ComplementEdge;
import io.kerec.graph.EdgeFeedback;
import io.kerec.graph.GraphOptions;
import io.kerec.graph.GraphStoreException;
import io.kerec.graph.ItemNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.tinkerpop.gremlin.process.traversal.Order;
import org.apache.tinkerpop.gremlin.process.traversal.dsl.graph.__;
import org.apache.tinkerpop.gremlin.process.traversal.util.TraversalMetrics;
import org.apache.tinkerpop.gremlin.structure.Direction;
import org.janusgraph.core.JanusGraphTransaction;
import org.janusgraph.graphdb.query.profile.SimpleQueryProfiler;
import org.janusgraph.graphdb.query.vertex.VertexCentricQueryBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JanusGraphStoreTest {
  @TempDir
  Path dir;

  private JanusGraphStore store;

  @BeforeEach
  void open() {
    store = JanusGraphStore.open(GraphOptions.berkeleyje(dir.resolve("graph").toString()));
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static ComplementEdge edge(String from, String to, double weight) {
    return ComplementEdge.verdict(from, to, weight, 0.8, "evidence", 1_000L);
  }

  @Test
  void openAppliesTheSchema() {
    assertThat(store.schemaReport().toVersion()).isEqualTo(1);
    assertThat(GraphSchema.appliedVersion(store.graph())).isEqualTo(1);
  }

  @Test
  void upsertItemsIsIdempotentAndReplacesTheEntityList() {
    List<ItemNode> items = List.of(
        new ItemNode("i1", "Trail tent 2p", List.of("tent", "camping")),
        new ItemNode("i2", "Tent pegs", List.of("tent pegs", "camping")));
    store.upsertItems(items);
    store.upsertItems(items);
    assertThat(store.countItems()).isEqualTo(2);
    assertThat(store.countEntities()).isEqualTo(3);
    assertThat(store.item("i1")).hasValueSatisfying(i -> {
      assertThat(i.title()).isEqualTo("Trail tent 2p");
      assertThat(i.entities()).containsExactlyInAnyOrder("tent", "camping");
    });

    store.upsertItems(List.of(new ItemNode("i1", "Trail tent 3p", List.of("tent", "hiking", "hiking"))));
    assertThat(store.item("i1")).hasValueSatisfying(i -> {
      assertThat(i.title()).isEqualTo("Trail tent 3p");
      assertThat(i.entities()).containsExactlyInAnyOrder("tent", "hiking");
    });
    assertThat(store.item("i2").orElseThrow().entities()).containsExactlyInAnyOrder("tent pegs", "camping");
    assertThat(store.countEntities()).isEqualTo(4); // "camping" stays: i2 has it, and entities are never dropped

    store.upsertItems(List.of(new ItemNode("i1", null, List.of())));
    assertThat(store.item("i1")).hasValue(new ItemNode("i1", null, List.of()));
    assertThat(store.item("nope")).isEmpty();
  }

  @Test
  void removeComplementsRemovesOnlyTheNamedEdgesAndIgnoresMissingOnes() {
    store.upsertComplements(List.of(edge("tent", "pegs", 0.5), edge("tent", "mallet", 0.4), edge("pegs", "tent", 0.3)));
    int removed = store.removeComplements(List.of(new io.kerec.graph.EdgeKey("tent", "pegs"),
        new io.kerec.graph.EdgeKey("tent", "stove"), new io.kerec.graph.EdgeKey("nowhere", "tent")));
    assertThat(removed).isOne();
    assertThat(store.topComplements("tent", 5)).extracting(ComplementEdge::to).containsExactly("mallet");
    assertThat(store.topComplements("pegs", 5)).extracting(ComplementEdge::to).containsExactly("tent");
    assertThat(store.countEntities()).as("entities stay").isEqualTo(3);
    assertThat(store.removeComplements(List.of(new io.kerec.graph.EdgeKey("tent", "pegs")))).isZero();
  }

  @Test
  void anItemTwiceInOneCallEndsWithTheLastVersion() {
    store.upsertItems(List.of(
        new ItemNode("i1", "a", List.of("x", "y")),
        new ItemNode("i1", "b", List.of("y", "z"))));
    assertThat(store.countItems()).isOne();
    ItemNode i1 = store.item("i1").orElseThrow();
    assertThat(i1.title()).isEqualTo("b");
    assertThat(i1.entities()).containsExactlyInAnyOrder("y", "z");
  }

  @Test
  void complementUpsertTakesTheNewVerdictButKeepsFeedbackCounts() {
    store.upsertComplements(List.of(new ComplementEdge("tent", "pegs", 0.5, 0.6, "evidence", 10, 2, 100L)));
    assertThat(store.topComplements("tent", 5))
        .containsExactly(new ComplementEdge("tent", "pegs", 0.5, 0.6, "evidence", 10, 2, 100L));

    store.upsertComplements(List.of(new ComplementEdge("tent", "pegs", 0.9, 0.95, "openai", 0, 0, 200L)));
    assertThat(store.topComplements("tent", 5))
        .containsExactly(new ComplementEdge("tent", "pegs", 0.9, 0.95, "openai", 10, 2, 200L));
    assertThat(store.countComplements()).isOne();
    assertThat(store.countEntities()).isEqualTo(2);
  }

  @Test
  void feedbackSetsCountsAndWeightAndSkipsMissingEdges() {
    store.upsertComplements(List.of(edge("tent", "pegs", 0.5), edge("tent", "lamp", 0.4)));
    int applied = store.applyFeedback(List.of(
        new EdgeFeedback("tent", "pegs", 100, 7, 0.55),
        new EdgeFeedback("tent", "pegs", 50, 1, 0.52),
        new EdgeFeedback("pegs", "tent", 5, 5, 9.0),       // reverse direction: no such edge
        new EdgeFeedback("ghost", "tent", 5, 5, 9.0)));    // unknown entity
    assertThat(applied).isEqualTo(2);
    assertThat(store.topComplements("tent", 5))
        .extracting(ComplementEdge::to, ComplementEdge::weight, ComplementEdge::exposures, ComplementEdge::clicks,
            ComplementEdge::updatedAt)
        .containsExactly(tuple("pegs", 0.52, 50L, 1L, 1_000L), tuple("lamp", 0.4, 0L, 0L, 1_000L));
    // totals, not increments: the same feedback written again (another instance's flush) changes nothing
    store.applyFeedback(List.of(new EdgeFeedback("tent", "pegs", 50, 1, 0.52)));
    assertThat(store.topComplements("tent", 5)).extracting(ComplementEdge::exposures, ComplementEdge::clicks)
        .first().isEqualTo(tuple(50L, 1L));
    assertThat(store.countEntities()).isEqualTo(3); // feedback never creates entities
  }

  @Test
  void topComplementsOrdersByWeightAndLimits() {
    List<ComplementEdge> edges = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      edges.add(edge("tent", "e" + i, (i * 7919 % 30) / 10.0));
    }
    edges.add(edge("lamp", "tent", 3.0)); // incoming edges of tent do not count
    store.upsertComplements(edges);
    List<ComplementEdge> top = store.topComplements("tent", 5);
    assertThat(top).extracting(ComplementEdge::weight).containsExactly(2.9, 2.8, 2.7, 2.6, 2.5);
    assertThat(top).allSatisfy(e -> assertThat(e.from()).isEqualTo("tent"));
    assertThat(store.topComplements("tent", 100)).hasSize(30)
        .isSortedAccordingTo((a, b) -> Double.compare(b.weight(), a.weight()));
    assertThat(store.topComplements("tent", 0)).isEmpty();
    assertThat(store.topComplements("unknown", 5)).isEmpty();
    assertThatThrownBy(() -> store.topComplements("tent", -1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void topComplementsIsAnsweredByTheVertexCentricIndex() {
    store.upsertComplements(List.of(edge("tent", "pegs", 0.5), edge("tent", "lamp", 0.4), edge("tent", "mat", 0.6)));
    JanusGraphTransaction tx = store.graph().buildTransaction().readOnly().start();
    try {
      Object id = tx.traversal().V().has("Entity", "name", "tent").id().next();
      // The vertex query topComplements runs: one slice of complementsByWeight, limited, already ordered.
      SimpleQueryProfiler profiler = new SimpleQueryProfiler();
      List<String> targets = new ArrayList<>();
      ((VertexCentricQueryBuilder) tx.getVertex(id).query()).profiler(profiler).direction(Direction.OUT)
          .labels("COMPLEMENTS").orderBy("weight", Order.desc).limit(2).edges()
          .forEach(e -> targets.add(e.inVertex().value("name")));
      assertThat(targets).containsExactly("mat", "pegs");
      assertThat(annotations(profiler)).contains("complementsByWeight:SliceQuery").contains("isFitted=true")
          .contains("isOrdered=true");

      // The traversal form JanusGraph folds into that same query (only inside local()).
      TraversalMetrics metrics = tx.traversal().V(id)
          .local(__.outE("COMPLEMENTS").order().by("weight", Order.desc).limit(20)).profile().next();
      assertThat(metrics.toString()).doesNotContain("OrderGlobalStep")
          .contains("complementsByWeight:SliceQuery").contains("_limit=20").contains("_orders=[DESC(weight)]");
    } finally {
      tx.rollback();
    }
  }

  private static String annotations(SimpleQueryProfiler profiler) {
    StringBuilder sb = new StringBuilder();
    profiler.getAnnotations().forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
    for (SimpleQueryProfiler nested : profiler) {
      sb.append(annotations(nested));
    }
    return sb.toString();
  }

  @Test
  void scansReturnEverything() {
    store.upsertItems(List.of(
        new ItemNode("i1", "Tent", List.of("tent")),
        new ItemNode("i2", null, List.of("pegs", "hammer")),
        new ItemNode("i3", "Nothing yet", List.of())));
    store.upsertComplements(List.of(edge("tent", "pegs", 0.7), edge("pegs", "hammer", 0.3),
        new ComplementEdge("hammer", "gloves", 0.1, 0.2, null, 3, 1, 5L)));

    List<ItemNode> items = new ArrayList<>();
    store.forEachItem(items::add);
    assertThat(items).hasSize(3);
    assertThat(items).filteredOn(i -> i.itemId().equals("i2")).singleElement()
        .satisfies(i -> {
          assertThat(i.title()).isNull();
          assertThat(i.entities()).containsExactlyInAnyOrder("pegs", "hammer");
        });

    List<ComplementEdge> edges = new ArrayList<>();
    store.forEachComplement(edges::add);
    assertThat(edges).containsExactlyInAnyOrder(edge("tent", "pegs", 0.7), edge("pegs", "hammer", 0.3),
        new ComplementEdge("hammer", "gloves", 0.1, 0.2, null, 3, 1, 5L));
  }

  @Test
  void aConsumerExceptionPassesThroughUnwrapped() {
    store.upsertItems(List.of(new ItemNode("i1", "Tent", List.of("tent"))));
    assertThatThrownBy(() -> store.forEachItem(i -> {
      throw new IllegalStateException("stop");
    })).isExactlyInstanceOf(IllegalStateException.class).hasMessage("stop");
    assertThat(store.countItems()).isOne(); // the store is still usable
  }

  @Test
  void writingFromAScanConsumerFailsInsteadOfDeadlocking() {
    store.upsertItems(List.of(new ItemNode("i1", "Tent", List.of("tent"))));
    assertThatThrownBy(() -> store.forEachItem(i -> store.upsertItems(List.of(new ItemNode("i2", null, List.of())))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("upsertItems");
    assertThat(store.countItems()).isOne();
  }

  @Test
  void reopenFromDiskKeepsEverything() {
    store.upsertItems(List.of(new ItemNode("i1", "Tent", List.of("tent", "camping"))));
    store.upsertComplements(List.of(new ComplementEdge("tent", "pegs", 0.7, 0.9, "openai", 4, 1, 42L)));
    store.close();
    store.close(); // idempotent

    store = JanusGraphStore.open(GraphOptions.berkeleyje(dir.resolve("graph").toString()));
    assertThat(store.schemaReport().noop()).isTrue();
    assertThat(store.item("i1").orElseThrow().entities()).containsExactlyInAnyOrder("tent", "camping");
    assertThat(store.topComplements("tent", 3))
        .containsExactly(new ComplementEdge("tent", "pegs", 0.7, 0.9, "openai", 4, 1, 42L));
    assertThat(store.countEntities()).isEqualTo(3);
    // Writes after reopening find the old entities (no duplicates: the unique index would refuse them anyway).
    store.upsertItems(List.of(new ItemNode("i2", "Pegs", List.of("pegs"))));
    assertThat(store.countEntities()).isEqualTo(3);
  }

  @Test
  void aClosedStoreRefusesCalls() {
    store.close();
    assertThatThrownBy(() -> store.countItems()).isInstanceOf(GraphStoreException.class).hasMessageContaining("closed");
    assertThatThrownBy(() -> store.upsertItems(List.of(new ItemNode("i", null, List.of()))))
        .isInstanceOf(GraphStoreException.class);
  }

  @Test
  void aSecondOpenOfTheSameDirectoryFailsWithAGraphStoreException() {
    assertThatThrownBy(() -> JanusGraphStore.open(GraphOptions.berkeleyje(dir.resolve("graph").toString())))
        .isInstanceOf(GraphStoreException.class)
        .hasMessageContaining("already open in this process");
  }

  @Test
  void invalidArgumentsAreRejectedBeforeWriting() {
    assertThatThrownBy(() -> edge("tent", "tent", 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ComplementEdge("a", "b", Double.NaN, 0.5, "x", 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ComplementEdge("a", "b", 1, 1.5, "x", 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ItemNode(" ", null, List.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ItemNode("i", null, List.of("ok", ""))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new EdgeFeedback("a", "b", -1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new GraphOptions("neo4j", null, Map.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.upsertItems(java.util.Arrays.asList(new ItemNode("i", null, List.of()), null)))
        .isInstanceOf(NullPointerException.class);
    assertThat(store.countItems()).isZero();
  }

  @Test
  void concurrentWritersDoNotDuplicateEntities() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        futures.add(pool.submit(() -> {
          start.await();
          for (int round = 0; round < 10; round++) {
            List<ItemNode> items = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
              items.add(new ItemNode("t" + thread + "-" + round + "-" + i, null, List.of("e" + i, "e" + (i + 1))));
            }
            store.upsertItems(items);
            store.upsertComplements(List.of(edge("e" + round, "e" + (round + 1), thread)));
            store.topComplements("e" + round, 5);
            store.forEachItem(item -> { });
            store.applyFeedback(List.of(new EdgeFeedback("e" + round, "e" + (round + 1), thread + 1, 0, thread)));
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.countItems()).isEqualTo(4 * 10 * 20);
    assertThat(store.countEntities()).isEqualTo(21);
    assertThat(store.countComplements()).isEqualTo(10);
    List<ComplementEdge> edges = new ArrayList<>();
    store.forEachComplement(edges::add);
    // each edge holds one writer's feedback whole: its counts and its weight from the same write, never torn
    assertThat(edges).allSatisfy(e -> assertThat(e.exposures()).isEqualTo((long) e.weight() + 1));
  }

  @Test
  void inMemoryBackendWorks() {
    try (JanusGraphStore mem = JanusGraphStore.open(GraphOptions.inMemory())) {
      mem.upsertItems(List.of(new ItemNode("i1", "Tent", List.of("tent"))));
      mem.upsertComplements(List.of(edge("tent", "pegs", 1.0)));
      assertThat(mem.topComplements("tent", 1)).extracting(ComplementEdge::to).containsExactly("pegs");
    }
  }

  @Test
  void entityCacheIsBounded() throws Exception {
    store.close();
    store = JanusGraphStore.open(GraphOptions.berkeleyje(dir.resolve("small").toString())
        .with(GraphOptions.ENTITY_CACHE_SIZE, "3"));
    List<ItemNode> items = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      items.add(new ItemNode("i" + i, null, List.of("e" + i)));
    }
    store.upsertItems(items);
    assertThat(store.cachedEntities()).isEqualTo(3);
    store.upsertItems(items); // evicted entities are found through the index again, not duplicated
    assertThat(store.countEntities()).isEqualTo(10);
    assertThat(Files.exists(dir.resolve("small"))).isTrue();
  }
}

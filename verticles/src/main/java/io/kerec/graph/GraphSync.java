package io.kerec.graph;

import io.kerec.bus.Complement;
import io.kerec.bus.ItemEntities;
import io.kerec.store.Store;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a {@link GraphStore} in line with PostgreSQL, the log it is derived from: the items with their entities,
 * and for every judged pair the edge its deciding verdict calls for ({@link Store#decidingVerdicts}), weighted by
 * the feedback stored with the events. Edges of pairs that no stored verdict mentions are left as they are. Run at
 * every start of the graph verticle (so a graph store that missed writes before a crash catches up) and by
 * {@code kerec graph rebuild} into an empty store (so a lost or corrupt one is rebuilt from PostgreSQL alone).
 *
 * <p>PostgreSQL is read through the store's pool; the graph store is only touched on {@code worker}.
 */
public final class GraphSync {
  private static final Logger LOG = LoggerFactory.getLogger(GraphSync.class);
  private static final int CHUNK = 1_000;

  /**
   * What the graph holds after a sync.
   *
   * @param items    every item with its entities
   * @param edges    every COMPLEMENTS edge, with its weight
   * @param flushed  the feedback counts (exposures, clicks) the graph store holds per edge, where any
   * @param itemsWritten items written to the graph store
   * @param edgesWritten edges written (new, or with another weight, confidence or provenance)
   * @param edgesRemoved edges removed because their deciding verdict is not complementary
   */
  public record Result(List<ItemEntities> items, List<Complement> edges, Map<EdgeFeedbackLedger.Key, long[]> flushed,
                       int itemsWritten, int edgesWritten, int edgesRemoved) {
  }

  private GraphSync() {
  }

  /**
   * Syncs {@code graph} from {@code store}; {@code ledger} is filled with the stored feedback on the way.
   *
   * @param provider the configured judge provider, whose verdicts come after external ones and before others
   */
  public static Future<Result> run(Store store, GraphStore graph, WorkerExecutor worker, String provider,
                                   EdgeFeedbackLedger ledger) {
    List<ItemEntities> items = new ArrayList<>();
    return store.forEachItem(items::addAll)
        .compose(n -> worker.executeBlocking(() -> {
          if (graph.countItems() == items.size()) {
            return 0;
          }
          LOG.info("graph holds {} items, PostgreSQL {}: writing the items", graph.countItems(), items.size());
          for (int i = 0; i < items.size(); i += CHUNK) {
            graph.upsertItems(items.subList(i, Math.min(items.size(), i + CHUNK)).stream()
                .map(it -> new ItemNode(it.itemId(), it.title(), it.entities())).toList());
          }
          return items.size();
        }))
        .compose(itemsWritten -> store.edgeFeedback().compose(feedback -> {
          feedback.forEach(f -> ledger.add((String) f[0], (String) f[1], (Long) f[2], (Long) f[3]));
          return store.decidingVerdicts(provider);
        }).compose(verdicts -> worker.executeBlocking(() -> reconcile(graph, verdicts, ledger))
            .map(r -> new Result(items, r.edges(), r.flushed(), itemsWritten, r.edgesWritten(), r.edgesRemoved()))));
  }

  private static Result reconcile(GraphStore graph, List<Store.DecidingVerdict> verdicts, EdgeFeedbackLedger ledger) {
    Map<EdgeKey, ComplementEdge> current = new HashMap<>();
    graph.forEachComplement(e -> current.put(new EdgeKey(e.from(), e.to()), e));
    Set<EdgeKey> decided = new HashSet<>();
    List<Complement> edges = new ArrayList<>();
    List<ComplementEdge> writes = new ArrayList<>();
    List<EdgeKey> removals = new ArrayList<>();
    Map<EdgeFeedbackLedger.Key, long[]> flushed = new HashMap<>();
    long now = System.currentTimeMillis();
    for (Store.DecidingVerdict v : verdicts) {
      EdgeKey key = new EdgeKey(v.source(), v.target());
      decided.add(key);
      ComplementEdge stored = current.get(key);
      if (!v.complementary()) {
        if (stored != null) {
          removals.add(key);
        }
        continue;
      }
      double weight = ledger.weight(v.source(), v.target(), v.confidence());
      edges.add(new Complement(v.source(), v.target(), weight, v.confidence(), v.provider()));
      long[] counts;
      if (stored == null) {
        counts = ledger.counts(v.source(), v.target());
        writes.add(new ComplementEdge(v.source(), v.target(), weight, v.confidence(), v.provider(), counts[0],
            counts[1], now));
      } else {
        counts = new long[] {stored.exposures(), stored.clicks()};
        if (Math.abs(stored.weight() - weight) > 1e-12 || Math.abs(stored.confidence() - v.confidence()) > 1e-12
            || !v.provider().equals(stored.provenance())) {
          writes.add(new ComplementEdge(v.source(), v.target(), weight, v.confidence(), v.provider(),
              stored.exposures(), stored.clicks(), now));
        }
      }
      if (counts[0] > 0 || counts[1] > 0) {
        flushed.put(new EdgeFeedbackLedger.Key(v.source(), v.target()), counts);
      }
    }
    List<ComplementEdge> undecided = new ArrayList<>(current.values());
    undecided.sort(java.util.Comparator.comparing(ComplementEdge::from).thenComparing(ComplementEdge::to));
    for (ComplementEdge e : undecided) {
      EdgeKey key = new EdgeKey(e.from(), e.to());
      if (!decided.contains(key)) {
        // not derived from a stored verdict: leave it as it is
        edges.add(new Complement(e.from(), e.to(), e.weight(), e.confidence(), e.provenance()));
        if (e.exposures() > 0 || e.clicks() > 0) {
          flushed.put(new EdgeFeedbackLedger.Key(e.from(), e.to()), new long[] {e.exposures(), e.clicks()});
        }
      }
    }
    for (int i = 0; i < writes.size(); i += CHUNK) {
      graph.upsertComplements(writes.subList(i, Math.min(writes.size(), i + CHUNK)));
    }
    int removed = 0;
    for (int i = 0; i < removals.size(); i += CHUNK) {
      removed += graph.removeComplements(removals.subList(i, Math.min(removals.size(), i + CHUNK)));
    }
    if (!writes.isEmpty() || removed > 0) {
      LOG.info("graph store synced with the stored verdicts: {} edges written, {} removed", writes.size(), removed);
    }
    return new Result(List.of(), edges, flushed, 0, writes.size(), removed);
  }
}

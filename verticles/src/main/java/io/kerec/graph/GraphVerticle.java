package io.kerec.graph;

import io.kerec.bus.Addresses;
import io.kerec.bus.BusError;
import io.kerec.bus.Candidate;
import io.kerec.bus.Complement;
import io.kerec.bus.Complements;
import io.kerec.bus.Done;
import io.kerec.bus.ComplementView;
import io.kerec.bus.EntityComplements;
import io.kerec.bus.ExplainedComplement;
import io.kerec.bus.EntityComplementsRequest;
import io.kerec.bus.FeedbackApplied;
import io.kerec.bus.HealthReport;
import io.kerec.bus.ItemEntities;
import io.kerec.bus.ItemRequest;
import io.kerec.bus.ItemsIndexed;
import io.kerec.bus.PopularRequest;
import io.kerec.bus.PurchaseFact;
import io.kerec.bus.PurchasesApplied;
import io.kerec.bus.RecallRequest;
import io.kerec.bus.RecallResult;
import io.kerec.bus.TrainingSetRequest;
import io.kerec.config.KerecConfig;
import io.kerec.graph.recall.RecallView;
import io.kerec.graph.recall.TrainingSetBuilder;
import io.kerec.store.ChangeLog;
import io.kerec.store.Store;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.pgclient.PgConnectOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the complementary knowledge graph: JanusGraph is the store of record for items, entities and weighted
 * COMPLEMENTS edges; a {@link RecallView} in memory serves recall without store round trips. JanusGraph calls run
 * in order on a dedicated worker; the view is only touched on this verticle's own context, which the engine deploys
 * on a worker pool of one thread (one task at a time, so the view needs no locks, and recall never holds up an event
 * loop that serves HTTP).
 */
public final class GraphVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(GraphVerticle.class);
  private static final int TRAINING_USERS_PER_STEP = 20;
  private static final int RECENT_PURCHASE_IDS = 100_000;
  /** Quiet time after the last purchase before the view settles. */
  private static final long SETTLE_MS = 1_000;

  private final KerecConfig config;
  private final PgConnectOptions pg;
  private final RecallView view = new RecallView();
  /**
   * The ids of the last purchases applied: ingest sends a batch again when the graph step failed, and a batch
   * that failed part-way must not count its first purchases twice.
   */
  private final RecentIds recentlyApplied = new RecentIds(RECENT_PURCHASE_IDS);
  private WorkerExecutor graphWorker;
  private final GraphStore graph;
  private Store store;
  private ChangeFollower follower;
  /** When purchases last reached the view, and whether it has settled since ({@link RecallView#settle}). */
  private long lastPurchaseAt;
  private boolean unsettled;

  /**
   * @param graph the graph store, opened by {@link GraphStoreFiles#open} (the verticle closes it when it stops)
   */
  public GraphVerticle(KerecConfig config, PgConnectOptions pg, GraphStore graph) {
    this.config = config;
    this.pg = pg;
    this.graph = graph;
    this.ledger = new EdgeFeedbackLedger(config.feedback());
  }

  private final EdgeFeedbackLedger ledger;
  private final Map<EdgeFeedbackLedger.Key, long[]> flushed = new HashMap<>();
  private long feedbackFlushes;

  @Override
  public Future<?> start() {
    graphWorker = vertx.createSharedWorkerExecutor("kerec-graph", 1);
    store = Store.create(vertx, pg, 2);
    return store.inSnapshot(this::rebuild).onSuccess(snapshot -> {
      register();
      if (config.follow().active(config.postgres())) {
        String writer = pg.getProperties().getOrDefault("application_name", "");
        follower = new ChangeFollower(vertx, new ChangeLog(store.client(), writer, snapshot), new FollowedChanges(),
            config.follow().intervalMs());
        follower.start();
        LOG.info("following the shared store's changes every {} ms as {}", config.follow().intervalMs(), writer);
      }
    });
  }

  /**
   * Syncs the graph store with PostgreSQL ({@link GraphSync}) and builds the recall view from the same data: items,
   * complements by their deciding verdicts, feedback, then every purchase, all read in one {@code snapshot}, which
   * the {@link ChangeFollower} continues from.
   */
  private Future<String> rebuild(Store at, String snapshot) {
    long started = System.nanoTime();
    return GraphSync.run(at, graph, graphWorker, config.judge().provider(), ledger)
        .compose(synced -> {
          synced.items().forEach(view::putItem);
          synced.edges().forEach(view::putComplement);
          synced.flushed().forEach(flushed::put);
          return flushFeedback();
        })
        .compose(n -> at.forEachPurchase(page -> page.forEach(view::addPurchase)))
        .onSuccess(n -> LOG.info("recall view rebuilt in {} ms: {}", (System.nanoTime() - started) / 1_000_000,
            view.counts()))
        .map(snapshot);
  }

  /** An entity's strongest complements from the recall view, each with its deciding verdict's model and reason. */
  private Future<EntityComplements> explained(EntityComplementsRequest req) {
    List<ComplementView> edges = view.complements(req.entity(), req.k());
    if (edges.isEmpty()) {
      return Future.succeededFuture(new EntityComplements(req.entity(), List.of()));
    }
    List<String[]> keys = edges.stream().map(c -> new String[] {req.entity(), c.entity()}).toList();
    return store.decidingVerdicts(config.judge().provider(), keys).map(verdicts -> {
      Map<String, Store.DecidingVerdict> byTarget = new HashMap<>();
      verdicts.forEach(v -> byTarget.put(v.target(), v));
      List<ExplainedComplement> out = new ArrayList<>(edges.size());
      for (ComplementView c : edges) {
        Store.DecidingVerdict v = byTarget.get(c.entity());
        boolean same = v != null && v.provider().equals(c.source());
        out.add(new ExplainedComplement(c.entity(), c.weight(), c.confidence(), c.source(), same ? v.model() : null,
            same ? v.reason() : null));
      }
      return new EntityComplements(req.entity(), out);
    });
  }

  /**
   * Applies what other engines wrote, as this engine's ingest and judge apply what it writes itself, and tells this
   * engine's other verticles (judge counts, rank, live WebSockets and the recommendation cache) the same way.
   */
  private final class FollowedChanges implements ChangeFollower.Sink {
    @Override
    public Future<Void> items(List<ItemEntities> items) {
      if (items.isEmpty()) {
        return Future.succeededFuture();
      }
      return graphWorker.executeBlocking(() -> {
        graph.upsertItems(toNodes(items));
        return null;
      }).onSuccess(v -> {
        items.forEach(view::putItem);
        vertx.eventBus().publish(Addresses.ITEMS_INDEXED, new ItemsIndexed(items), Addresses.inEngine());
      }).mapEmpty();
    }

    @Override
    public Future<Void> pairs(List<ChangeLog.Pair> pairs) {
      if (pairs.isEmpty()) {
        return Future.succeededFuture();
      }
      List<String[]> keys = pairs.stream().distinct().map(p -> new String[] {p.source(), p.target()}).toList();
      return store.decidingVerdicts(config.judge().provider(), keys).compose(verdicts -> {
        // as the judge does live: complementary deciding verdicts become (or update) edges
        List<Complement> edges = verdicts.stream().filter(Store.DecidingVerdict::complementary)
            .map(v -> new Complement(v.source(), v.target(), v.confidence(), v.confidence(), v.provider())).toList();
        return putComplements(edges);
      }).mapEmpty();
    }

    @Override
    public Future<Void> events(ChangeLog.Events events) {
      if (!events.feedback().isEmpty()) {
        vertx.eventBus().publish(Addresses.FEEDBACK_APPLIED, new FeedbackApplied(events.feedback()),
            Addresses.inEngine());
      }
      if (!events.purchases().isEmpty()) {
        List<PurchaseFact> fresh = new ArrayList<>(events.purchases().size());
        for (PurchaseFact p : events.purchases()) {
          if (recentlyApplied.add(p.eventId())) {
            view.addPurchase(p);
            fresh.add(p);
          }
        }
        purchasesArrived(fresh.size());
        if (!fresh.isEmpty()) {
          vertx.eventBus().publish(Addresses.PURCHASES_APPLIED, new PurchasesApplied(fresh), Addresses.inEngine());
        }
      }
      return Future.succeededFuture();
    }
  }

  private void purchasesArrived(int n) {
    if (n > 0) {
      lastPurchaseAt = System.currentTimeMillis();
      unsettled = true;
    }
  }

  /** Writes complementary edges, weighted by their feedback, to the graph store and then to the recall view. */
  private Future<Integer> putComplements(List<Complement> edges) {
    if (edges.isEmpty()) {
      return Future.succeededFuture(0);
    }
    long now = System.currentTimeMillis();
    List<Complement> weighted = edges.stream().map(e -> new Complement(e.from(), e.to(),
        ledger.weight(e.from(), e.to(), e.confidence()), e.confidence(), e.provenance())).toList();
    return graphWorker.executeBlocking(() -> {
      graph.upsertComplements(weighted.stream()
          .map(e -> new ComplementEdge(e.from(), e.to(), e.weight(), e.confidence(), e.provenance(), 0, 0, now))
          .toList());
      return weighted.size();
    }).onSuccess(n -> weighted.forEach(view::putComplement));
  }

  private static List<ItemNode> toNodes(List<ItemEntities> items) {
    return items.stream().map(i -> new ItemNode(i.itemId(), i.title(), i.entities())).toList();
  }

  /**
   * Moves the weights of the edges that got feedback: in the recall view at once, in the graph store (with the
   * new counts) on the graph worker.
   */
  private Future<Integer> flushFeedback() {
    java.util.Set<EdgeFeedbackLedger.Key> keys = ledger.drainDirty();
    if (keys.isEmpty()) {
      return Future.succeededFuture(0);
    }
    List<EdgeFeedback> updates = new ArrayList<>();
    for (EdgeFeedbackLedger.Key key : keys) {
      var current = view.complement(key.from(), key.to());
      if (current.isEmpty()) {
        continue;
      }
      var c = current.get();
      double weight = ledger.weight(key.from(), key.to(), c.confidence());
      long[] counts = ledger.counts(key.from(), key.to());
      long[] before = flushed.getOrDefault(key, new long[2]);
      if (Math.abs(weight - c.weight()) < 1e-12 && counts[0] == before[0] && counts[1] == before[1]) {
        continue;
      }
      view.putComplement(new Complement(key.from(), key.to(), weight, c.confidence(), c.source()));
      flushed.put(key, counts.clone());
      // totals, not increments: another instance sharing this graph store writes the same totals
      updates.add(new EdgeFeedback(key.from(), key.to(), counts[0], counts[1], weight));
    }
    if (updates.isEmpty()) {
      return Future.succeededFuture(0);
    }
    feedbackFlushes++;
    return graphWorker.executeBlocking(() -> graph.applyFeedback(updates))
        .onFailure(e -> LOG.warn("edge feedback not written to the graph store (recall has it): {}", e.getMessage()))
        .otherwiseEmpty()
        .map(updates.size());
  }

  private void register() {
    EventBus bus = vertx.eventBus();
    vertx.setPeriodic(SETTLE_MS, id -> {
      if (unsettled && System.currentTimeMillis() - lastPurchaseAt >= SETTLE_MS) {
        view.settle();
        unsettled = false;
      }
    });
    bus.<FeedbackApplied>consumer(Addresses.FEEDBACK_APPLIED, msg -> msg.body().feedback().forEach(ledger::add));
    vertx.setPeriodic(config.feedback().flushMs(), id -> flushFeedback());
    bus.consumer(Addresses.GRAPH_FEEDBACK_FLUSH, msg -> flushFeedback().onSuccess(n -> msg.reply(new Done(n))));
    bus.<ItemsIndexed>consumer(Addresses.GRAPH_ITEMS, msg -> {
      List<ItemEntities> items = msg.body().items();
      graphWorker.executeBlocking(() -> {
        graph.upsertItems(toNodes(items));
        return items.size();
      }).onSuccess(n -> {
        items.forEach(view::putItem);
        msg.reply(new Done(n));
      }).onFailure(e -> fail(msg, e));
    });
    bus.<PurchasesApplied>consumer(Addresses.GRAPH_PURCHASES, msg -> {
      List<PurchaseFact> purchases = msg.body().purchases();
      int added = 0;
      try {
        for (PurchaseFact p : purchases) {
          if (recentlyApplied.add(p.eventId())) {
            view.addPurchase(p);
            added++;
          }
        }
      } catch (RuntimeException e) {
        LOG.error("purchases not applied to the recall view", e);
        BusError.of(500, "purchases not applied to the recall view: " + e.getMessage()).replyTo(msg);
        return;
      }
      purchasesArrived(added);
      msg.reply(new Done(added));
    });
    bus.<Complements>consumer(Addresses.GRAPH_COMPLEMENTS, msg -> putComplements(msg.body().edges())
        .onSuccess(n -> msg.reply(new Done(n))).onFailure(e -> fail(msg, e)));
    bus.<RecallRequest>consumer(Addresses.GRAPH_RECALL, msg -> {
      RecallRequest req = msg.body();
      List<Candidate> candidates = view.recall(req.userId(), config.recall(), req.maxCandidates(),
          req.complementSources() == null ? null : Set.copyOf(req.complementSources()));
      msg.reply(new RecallResult(req.userId(), view.knownUser(req.userId()), candidates));
    });
    bus.<PopularRequest>consumer(Addresses.GRAPH_POPULAR, msg -> {
      PopularRequest req = msg.body();
      msg.reply(new RecallResult(req.userId(), req.userId() != null && view.knownUser(req.userId()),
          view.popular(req.userId(), req.k(), Set.of())));
    });
    bus.<EntityComplementsRequest>consumer(Addresses.GRAPH_ENTITY_COMPLEMENTS, msg -> explained(msg.body())
        .onSuccess(msg::reply).onFailure(e -> fail(msg, e)));
    bus.<ItemRequest>consumer(Addresses.GRAPH_ITEM, msg -> view.item(msg.body().itemId()).ifPresentOrElse(
        msg::reply, () -> BusError.of(404, "unknown item " + msg.body().itemId()).replyTo(msg)));
    bus.<TrainingSetRequest>consumer(Addresses.GRAPH_TRAINING_SET, msg -> buildInSteps(msg,
        view.trainingSetBuilder(config.recall(), msg.body().maxUsers(), msg.body().seed(), msg.body().identities(),
            config.rank().trainingCandidates())));
    bus.consumer(Addresses.HEALTH_PREFIX + "graph", msg -> {
      Map<String, Object> details = new HashMap<>(view.counts());
      details.put("backend", config.graph().backend());
      long[] totals = ledger.totals();
      details.put("feedbackEdges", ledger.edges());
      details.put("feedbackExposures", totals[0]);
      details.put("feedbackClicks", totals[1]);
      details.put("feedbackFlushes", feedbackFlushes);
      details.put("follow", follower == null ? Map.of("active", false) : follower.status());
      msg.reply(new HealthReport("graph", "UP", details));
    });
  }

  private static void fail(io.vertx.core.eventbus.Message<?> msg, Throwable e) {
    LOG.error("graph write failed", e);
    BusError.of(BusError.from(e).status(), "graph write failed: " + e.getMessage()).replyTo(msg);
  }

  @Override
  public Future<?> stop() {
    if (follower != null) {
      follower.stop();
    }
    // feedback counted since the last flush goes to the graph store too (it would also be recounted at the next start)
    Future<Void> closed = graph == null ? Future.succeededFuture()
        : flushFeedback().<Void>mapEmpty().recover(e -> Future.succeededFuture())
        .compose(v -> graphWorker.executeBlocking(() -> {
          graph.close();
          return null;
        }));
    return closed.eventually(() -> {
      store.close();
      return graphWorker.close();
    });
  }

  /**
   * Builds training samples {@value #TRAINING_USERS_PER_STEP} users per event-loop turn, so recall keeps being
   * served while a retraining samples thousands of users.
   */
  private void buildInSteps(Message<TrainingSetRequest> msg, TrainingSetBuilder builder) {
    if (builder.step(TRAINING_USERS_PER_STEP)) {
      vertx.runOnContext(v -> buildInSteps(msg, builder));
    } else {
      msg.reply(builder.build());
    }
  }
}

package io.kerec.judge;

import io.kerec.bus.Addresses;
import io.kerec.bus.BusError;
import io.kerec.bus.Complement;
import io.kerec.bus.Complements;
import io.kerec.bus.Done;
import io.kerec.bus.ExternalVerdicts;
import io.kerec.bus.HealthReport;
import io.kerec.bus.ItemsIndexed;
import io.kerec.bus.PurchaseFact;
import io.kerec.bus.PurchasesApplied;
import io.kerec.config.JudgeOptions;
import io.kerec.config.KerecConfig;
import io.kerec.config.LlmOptions;
import io.kerec.entity.EntityDictionary;
import io.kerec.observe.Meters;
import io.kerec.store.Store;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.pgclient.PgConnectOptions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which entity pairs are complementary. Keeps entity popularity and co-purchase counters from bills,
 * generates pairs with the segmented {@link PairStrategy}, asks the configured {@link VerdictProvider}, stores
 * every verdict in PostgreSQL before it reaches the graph, and never asks a judged pair again.
 *
 * <p>With the local evidence provider pairs are decided in runs, each once the bills have settled (no new bill for
 * {@code judge.intervalMs}, or at the latest every {@value #SETTLE_ROUNDS} intervals); {@code /health} says whether
 * the judge is {@code idle} (nothing running, nothing new left to judge). With an LLM provider, pairs go to the durable
 * {@link PairQueue} first (entities of new items paired with the head at once, ahead of the rest), and an
 * {@link LlmDispatcher} drains it through the throttle and circuit breaker ({@link LlmCallPolicy}), or leaves it
 * to a batch export when {@code judge.llm.dispatch} is {@code batch}.
 *
 * <p>Verdicts of an external judge ({@link Addresses#JUDGE_EXTERNAL_VERDICTS}, read from Kafka) are stored with
 * their own provider, model and prompt version, and their pairs count as judged: the engine never queues or asks
 * them itself (pending queue rows are removed), and an external verdict takes precedence over the engine's own
 * for the same pair on the way to the graph.
 * Deployed as a worker verticle: counters and providers are confined to its one ordered context.
 */
public final class JudgeVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(JudgeVerticle.class);
  private static final DeliveryOptions INTERNAL = Addresses.inEngine(120_000);
  /**
   * The evidence rule judges once no bill arrived for {@code judge.intervalMs}, or at the latest every this many
   * intervals while bills keep arriving. A judged pair is never asked again, so judging in the middle of an import
   * would decide it on part of the bills: two imports of one file would then differ by when the runs fell.
   */
  static final int SETTLE_ROUNDS = 30;

  private final KerecConfig config;
  private final PgConnectOptions pg;
  private JudgeOptions options;
  private Store store;
  private VerdictStore verdictStore;
  private EvidenceStats stats;
  private VerdictProvider provider;
  private PairStrategy strategy;
  private final Set<EntityPair> judged = new HashSet<>();
  private final Set<EntityPair> external = new HashSet<>();
  /** Pairs a verdict of higher rank decided (knowledge file, external, an LLM over evidence): never asked. */
  private final Set<EntityPair> outranked = new HashSet<>();
  private KnowledgeFile knowledge;
  private boolean dirty;
  private boolean running;
  private long lastBillsAt;
  private long lastRunAt;
  private long runs;
  private long positives;
  private String lastError;
  private MeterRegistry meters;
  private PairQueue queue;
  private LlmDispatcher dispatcher;
  private JudgeLeader leader;
  private long nextPriority;
  private long urgentPriority = PairQueue.URGENT;
  private final Set<String> pairedEntities = new HashSet<>();

  public JudgeVerticle(KerecConfig config, PgConnectOptions pg) {
    this.config = config;
    this.pg = pg;
  }

  @Override
  public Future<?> start() {
    options = config.judge();
    meters = Meters.registry();
    store = Store.create(vertx, pg, 2);
    verdictStore = new VerdictStore(store.client());
    stats = new EvidenceStats(options.maxOpenBaskets());
    strategy = new PairStrategy(options.pairs());
    if ("openai".equals(options.provider())) {
      LlmOptions llm = options.llm();
      LlmCallPolicy policy = new LlmCallPolicy(vertx, llm, LlmCallPolicy.largestCall(options.openai(), llm), meters,
          OpenAiVerdictProvider.NAME);
      provider = new OpenAiVerdictProvider(vertx, options.openai(), policy, llm.answerTokensPerPair(),
          2 * llm.maxInFlight());
      queue = new PairQueue(vertx, pg, provider.name(), provider.model(), provider.promptVersion());
      dispatcher = new LlmDispatcher(vertx, queue, provider, policy, llm, instanceName(llm), this::toGraph, meters);
    } else {
      String dictionary = config.entities().dictionary();
      EntityDictionary dict = dictionary == null ? EntityDictionary.bundled()
          : EntityDictionary.load(java.nio.file.Path.of(dictionary));
      provider = new EvidenceProvider(stats, new MiniLmSubstituteDetector(), options.evidence(),
          dict.dropWords().getOrDefault(EntityDictionary.MOTIF_CATEGORY, Set.of()));
    }
    try {
      knowledge = KnowledgeFile.load(options.knowledge());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new IllegalStateException("judge.knowledge: " + e.getMessage(), e));
    }
    return verdictStore.externallyJudgedPairs()
        .compose(pairs -> {
          external.addAll(pairs);
          judged.addAll(pairs);
          return verdictStore.insertVerdicts(knowledge.verdicts());
        })
        .compose(v -> verdictStore.outrankingPairs(provider.name()))
        .compose(pairs -> {
          outranked.addAll(pairs);
          judged.addAll(pairs);
          List<Complement> shopEdges = new ArrayList<>();
          for (Verdict k : knowledge.verdicts()) {
            if (k.complementary() && !external.contains(k.pair())) {
              shopEdges.add(edge(k));
            }
          }
          LOG.info("judge: {} pairs from the knowledge file {} ({} complementary), {} pairs decided by verdicts"
              + " that outrank {}", knowledge.size(), knowledge.model(), shopEdges.size(), outranked.size(),
              provider.name());
          return shopEdges.isEmpty() ? Future.succeededFuture()
              : vertx.eventBus().request(Addresses.GRAPH_COMPLEMENTS, new Complements(shopEdges), INTERNAL);
        })
        .compose(v -> verdictStore.verdicts(provider.name(), provider.model(), provider.promptVersion()))
        .compose(verdicts -> {
          List<Complement> known = new ArrayList<>();
          for (Verdict v : verdicts) {
            judged.add(v.pair());
            if (ownEdge(v)) {
              known.add(edge(v));
            }
          }
          positives = known.size();
          LOG.info("judge: {} verdicts known ({} complementary) for {}/{}", verdicts.size(), known.size(),
              provider.name(), provider.model());
          return known.isEmpty() ? Future.succeededFuture()
              : vertx.eventBus().request(Addresses.GRAPH_COMPLEMENTS, new Complements(known), INTERNAL);
        })
        .compose(v -> queue == null ? Future.succeededFuture() : queue.forget(external).compose(n -> queue.known())
            .compose(queued -> {
              judged.addAll(queued);
              return queue.lastPriority().map(last -> nextPriority = last + 1);
            }))
        .compose(v -> store.forEachPurchase(page -> page.forEach(this::count)))
        .compose(n -> dispatcher == null ? Future.succeededFuture(n) : dispatcher.start().map(n))
        .compose(n -> {
          leader = new JudgeLeader(vertx, pg);
          return leader.start(Math.max(1_000, options.intervalMs())).map(n);
        })
        .onSuccess(n -> {
          dirty = n > 0;
          lastRunAt = System.currentTimeMillis();
          pairedEntities.addAll(stats.byPopularity());
          vertx.eventBus().<PurchasesApplied>consumer(Addresses.PURCHASES_APPLIED, msg -> {
            msg.body().purchases().forEach(this::count);
            dirty = true;
            lastBillsAt = System.currentTimeMillis();
          });
          vertx.eventBus().consumer(Addresses.HEALTH_PREFIX + "judge", msg -> health().onComplete(ar ->
              msg.reply(ar.succeeded() ? ar.result() : new HealthReport("judge", "DEGRADED",
                  Map.of("error", String.valueOf(ar.cause().getMessage()))))));
          vertx.eventBus().consumer(Addresses.JUDGE_STATUS, msg -> health().onComplete(ar -> {
            if (ar.succeeded()) {
              msg.reply(ar.result());
            } else {
              BusError.of(500, "judge status unavailable: " + ar.cause().getMessage()).replyTo(msg);
            }
          }));
          if (queue != null) {
            vertx.eventBus().<ItemsIndexed>consumer(Addresses.ITEMS_INDEXED, msg -> pairNewEntities(msg.body()));
          }
          vertx.eventBus().<ExternalVerdicts>consumer(Addresses.JUDGE_EXTERNAL_VERDICTS, msg ->
              acceptExternal(msg.body())
                  .onSuccess(stored -> msg.reply(new Done(stored)))
                  .onFailure(e -> BusError.of(500, "external verdicts not stored: " + e.getMessage()).replyTo(msg)));
          vertx.eventBus().consumer(Addresses.JUDGE_RUN, msg -> runUntilDone(0)
              .onSuccess(verdicts -> msg.reply(new Done(verdicts)))
              .onFailure(e -> BusError.of(500, "judging failed: " + e.getMessage()).replyTo(msg)));
          if (options.autoRun()) {
            vertx.setPeriodic(options.intervalMs(), id -> maybeRun());
          }
        });
  }

  private void count(PurchaseFact purchase) {
    if (!purchase.entities().isEmpty()) {
      stats.add(purchase.basketKey(), purchase.entities());
    }
  }

  private void maybeRun() {
    if (!dirty || running || !leader.held()) {
      return; // another instance on this store judges (JudgeLeader); its verdicts reach this one through the store
    }
    if (queue != null) {
      dirty = false;
      running = true;
      enqueueNext().onComplete(ar -> {
        running = false;
        runs++;
        if (ar.failed()) {
          lastError = ar.cause().getMessage();
          dirty = true;
          LOG.warn("judge: queueing pairs failed, will retry: {}", lastError);
        }
      });
      return;
    }
    long now = System.currentTimeMillis();
    if (now - lastBillsAt < options.intervalMs() && now - lastRunAt < SETTLE_ROUNDS * options.intervalMs()) {
      return; // bills still arriving: judge them once they settle, so an import is judged on all of its bills
    }
    lastRunAt = now;
    dirty = false;
    running = true;
    long started = System.nanoTime();
    List<EntityPair> pairs = nextPairs();
    judgeInChunks(pairs.iterator(), new int[2])
        .onComplete(ar -> {
          running = false;
          runs++;
          if (ar.failed()) {
            lastError = ar.cause().getMessage();
            dirty = true;
            LOG.warn("judge run failed, will retry: {}", lastError);
          } else {
            lastError = null;
            if (!pairs.isEmpty()) {
              LOG.info("judge run: {} pairs asked, {} verdicts, {} complementary in {} ms", pairs.size(),
                  ar.result()[0], ar.result()[1], (System.nanoTime() - started) / 1_000_000);
            }
          }
        });
  }

  /** Judges every pending pair, run after run, until a run finds nothing to ask; resolves to the verdict count. */
  private Future<Integer> runUntilDone(int verdictsSoFar) {
    if (queue != null) {
      return running ? later(() -> runUntilDone(verdictsSoFar))
          : enqueueNext().compose(queued -> untilQueueDrained(positives));
    }
    if (running) {
      Promise<Integer> later = Promise.promise();
      vertx.setTimer(50, id -> runUntilDone(verdictsSoFar).onComplete(later));
      return later.future();
    }
    dirty = false;
    List<EntityPair> pairs = nextPairs();
    if (pairs.isEmpty()) {
      return Future.succeededFuture(verdictsSoFar);
    }
    running = true;
    return judgeInChunks(pairs.iterator(), new int[2])
        .onComplete(ar -> {
          running = false;
          runs++;
        })
        .compose(totals -> totals[0] == 0 ? Future.succeededFuture(verdictsSoFar)
            : runUntilDone(verdictsSoFar + totals[0]));
  }

  /** Queues the strategy's next pairs (those neither judged nor queued yet) and wakes the dispatcher. */
  private Future<Integer> enqueueNext() {
    List<EntityPair> pairs = nextPairs();
    judged.addAll(pairs);
    long first = nextPriority;
    nextPriority += pairs.size();
    return enqueueInChunks(pairs, first).onSuccess(n -> {
      if (n > 0) {
        LOG.info("judge: {} pairs queued for {}", n, provider.model());
      }
      dispatcher.wake();
    }).onFailure(e -> judged.removeAll(pairs));
  }

  private Future<Integer> enqueueInChunks(List<EntityPair> pairs, long firstPriority) {
    Future<Integer> chain = Future.succeededFuture(0);
    for (int from = 0; from < pairs.size(); from += 10_000) {
      List<EntityPair> chunk = pairs.subList(from, Math.min(pairs.size(), from + 10_000));
      long priority = firstPriority + from;
      chain = chain.compose(total -> queue.enqueue(chunk, priority).map(n -> total + n));
    }
    return chain;
  }

  /** Entities of new items that no bill has mentioned yet are paired with the head at once, ahead of the rest. */
  private void pairNewEntities(ItemsIndexed indexed) {
    List<String> head = stats.byPopularity();
    head = head.subList(0, Math.min(head.size(), strategy.options().head()));
    List<EntityPair> pairs = new ArrayList<>();
    for (var item : indexed.items()) {
      for (String entity : item.entities()) {
        if (!pairedEntities.add(entity)) {
          continue;
        }
        for (String h : head) {
          for (EntityPair p : List.of(new EntityPair(entity, h), new EntityPair(h, entity))) {
            if (!p.isLoop() && judged.add(p)) {
              pairs.add(p);
            }
          }
        }
      }
    }
    if (pairs.isEmpty()) {
      return;
    }
    long first = urgentPriority;
    urgentPriority += pairs.size();
    enqueueInChunks(pairs, first)
        .onSuccess(n -> {
          LOG.info("judge: {} pairs of new entities queued first", n);
          dispatcher.wake();
        })
        .onFailure(e -> {
          judged.removeAll(pairs);
          lastError = e.getMessage();
        });
  }

  private Future<Integer> untilQueueDrained(long positivesBefore) {
    return queue.depth().compose(depth -> {
      if (depth.get("pending") + depth.get("claimed") == 0) {
        return Future.succeededFuture((int) (positives - positivesBefore));
      }
      return later(() -> untilQueueDrained(positivesBefore));
    });
  }

  private <T> Future<T> later(java.util.function.Supplier<Future<T>> next) {
    Promise<T> promise = Promise.promise();
    vertx.setTimer(200, id -> next.get().onComplete(promise));
    return promise.future();
  }

  /**
   * Stores external verdicts (a re-delivered one changes nothing), marks their pairs judged, drops them from the
   * queue, and writes the complementary ones, as stored, to the graph. Resolves to the verdicts newly stored.
   */
  private Future<Integer> acceptExternal(ExternalVerdicts batch) {
    return verdictStore.insertExternalVerdicts(batch.verdicts()).compose(stored -> {
      Set<EntityPair> pairs = new HashSet<>();
      List<Complement> edges = new ArrayList<>();
      for (Verdict v : stored.verdicts()) {
        pairs.add(v.pair());
        if (v.complementary()) {
          edges.add(edge(v));
        }
      }
      external.addAll(pairs);
      judged.addAll(pairs);
      meters.counter("kerec.judge.external.verdicts", "outcome", "stored").increment(stored.inserted());
      meters.counter("kerec.judge.external.verdicts", "outcome", "duplicate")
          .increment(batch.verdicts().size() - stored.inserted());
      Future<Integer> dropped = queue == null ? Future.succeededFuture(0) : queue.forget(pairs);
      return dropped.compose(n -> edges.isEmpty() ? Future.<Void>succeededFuture()
              : vertx.eventBus().request(Addresses.GRAPH_COMPLEMENTS, new Complements(edges), INTERNAL).<Void>mapEmpty())
          .map(v -> stored.inserted());
    });
  }

  private Future<Void> toGraph(List<Verdict> verdicts) {
    List<Complement> edges = new ArrayList<>();
    for (Verdict v : verdicts) {
      if (ownEdge(v)) {
        edges.add(edge(v));
      }
    }
    positives += edges.size();
    return edges.isEmpty() ? Future.succeededFuture()
        : vertx.eventBus().request(Addresses.GRAPH_COMPLEMENTS, new Complements(edges), INTERNAL).mapEmpty();
  }

  private String instanceName(LlmOptions llm) {
    if (llm.instance() != null && !llm.instance().isBlank()) {
      return llm.instance();
    }
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "localhost";
    }
    return host + ":" + config.dataPath().toAbsolutePath().normalize();
  }

  private List<EntityPair> nextPairs() {
    Predicate<EntityPair> worthAsking = worthAsking();
    List<EntityPair> pairs = new ArrayList<>();
    Iterator<EntityPair> it = strategy.pairs(stats.byPopularity(), judged::contains);
    while (it.hasNext() && pairs.size() < options.maxPairsPerRun()) {
      EntityPair pair = it.next();
      if (worthAsking.test(pair)) {
        pairs.add(pair);
      }
    }
    return pairs;
  }

  /** Evidence can only decide pairs bought together often enough; a language model is asked about any pair. */
  private Predicate<EntityPair> worthAsking() {
    if (provider instanceof EvidenceProvider) {
      int min = options.evidence().minSupport();
      return p -> stats.basketsWithBoth(p.source(), p.target()) >= min;
    }
    return p -> true;
  }

  private Future<int[]> judgeInChunks(Iterator<EntityPair> pairs, int[] totals) {
    if (!pairs.hasNext()) {
      return Future.succeededFuture(totals);
    }
    List<EntityPair> chunk = new ArrayList<>();
    while (pairs.hasNext() && chunk.size() < Math.max(1, provider.maxBatch())) {
      chunk.add(pairs.next());
    }
    return provider.judge(chunk)
        .compose(verdicts -> verdictStore.insertVerdicts(verdicts).map(verdicts))
        .compose(verdicts -> {
          List<Complement> edges = new ArrayList<>();
          for (Verdict v : verdicts) {
            judged.add(v.pair());
            meters.counter("kerec.judge.verdicts", "provider", provider.name(),
                "complementary", Boolean.toString(v.complementary())).increment();
            if (ownEdge(v)) {
              edges.add(edge(v));
            }
          }
          totals[0] += verdicts.size();
          totals[1] += edges.size();
          positives += edges.size();
          return edges.isEmpty() ? Future.succeededFuture()
              : vertx.eventBus().request(Addresses.GRAPH_COMPLEMENTS, new Complements(edges), INTERNAL);
        })
        .compose(v -> yieldThen(() -> judgeInChunks(pairs, totals)));
  }

  private <T> Future<T> yieldThen(java.util.function.Supplier<Future<T>> next) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> next.get().onComplete(promise));
    return promise.future();
  }

  /**
   * A verdict of the engine's own provider goes to the graph unless a verdict of higher rank decided its pair: an
   * external judge's, the shop's knowledge file, or (when the own provider is the evidence rule) an LLM's.
   */
  private boolean ownEdge(Verdict v) {
    return v.complementary() && !external.contains(v.pair()) && !outranked.contains(v.pair());
  }

  private static Complement edge(Verdict v) {
    return new Complement(v.source(), v.target(), v.confidence(), v.confidence(), v.provider());
  }

  private Future<HealthReport> health() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("provider", provider.name());
    details.put("model", provider.model());
    details.put("promptVersion", provider.promptVersion());
    details.put("entities", stats.entities());
    details.put("baskets", stats.baskets());
    details.put("pairsJudged", judged.size());
    details.put("complementary", positives);
    details.put("externallyJudged", external.size());
    details.put("runs", runs);
    details.put("knowledge", knowledge.model());
    details.put("knowledgePairs", knowledge.size());
    if (lastError != null) {
      details.put("lastError", lastError);
    }
    boolean leads = leader != null && leader.held();
    details.put("leader", leads);
    if (dispatcher == null) {
      details.put("idle", !running && (!dirty || !leads));
      return Future.succeededFuture(new HealthReport("judge", lastError == null ? "UP" : "DEGRADED", details));
    }
    return dispatcher.status().compose(status -> queue.depth().map(depth -> {
      details.putAll(status);
      details.put("idle", !running && (!dirty || !leads) && depth.get("pending") + depth.get("claimed") == 0);
      boolean degraded = status.containsKey("degraded") || lastError != null;
      return new HealthReport("judge", degraded ? "DEGRADED" : "UP", details);
    }));
  }

  @Override
  public Future<?> stop() {
    if (dispatcher != null) {
      dispatcher.stop();
    }
    if (queue != null) {
      queue.close();
    }
    store.close();
    return leader == null ? Future.succeededFuture() : leader.stop();
  }
}

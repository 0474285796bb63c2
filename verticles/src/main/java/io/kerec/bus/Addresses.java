package io.kerec.bus;

/**
 * Event-bus addresses. Public ones are the contract with sibling services; internal ones connect the verticles.
 */
public final class Addresses {
  /** Public, request/reply: {@link ItemBatch} → {@link Accepted}. */
  public static final String ITEMS = "kerec.items";
  /** Public, request/reply: {@link EventBatch} → {@link Accepted}. */
  public static final String EVENTS = "kerec.events";
  /** Public, request/reply: {@link RecommendRequest} → {@link Recommendations}. */
  public static final String RECOMMEND = "kerec.recommend";
  /** Public, published: {@link Recommendations} for one user after each of their purchases. */
  public static final String LIVE_PREFIX = "kerec.live.";

  /** Internal, published by ingest once items are durable: {@link ItemsIndexed}. */
  public static final String ITEMS_INDEXED = "kerec.ingest.items-indexed";
  /** Internal, published by ingest once purchases are durable and in the recall view: {@link PurchasesApplied}. */
  public static final String PURCHASES_APPLIED = "kerec.ingest.purchases-applied";
  /** Internal, published by ingest once feedback events are durable: {@link FeedbackApplied}. */
  public static final String FEEDBACK_APPLIED = "kerec.ingest.feedback-applied";

  /** Graph, request/reply: {@link ItemsIndexed} → {@link Done}; writes items and their entities. */
  public static final String GRAPH_ITEMS = "kerec.graph.items";
  /** Graph, request/reply: {@link PurchasesApplied} → {@link Done}; updates user history and popularity. */
  public static final String GRAPH_PURCHASES = "kerec.graph.purchases";
  /** Graph, request/reply: {@link Complements} → {@link Done}; writes judged complementary edges. */
  public static final String GRAPH_COMPLEMENTS = "kerec.graph.complements";
  /** Graph, request/reply: {@link RecallRequest} → {@link RecallResult}. */
  public static final String GRAPH_RECALL = "kerec.graph.recall";
  /** Graph, request/reply: {@link EntityComplementsRequest} → {@link EntityComplements}. */
  public static final String GRAPH_ENTITY_COMPLEMENTS = "kerec.graph.entity-complements";
  /** Graph, request/reply: {@link ItemRequest} → {@link ItemView}; fails with 404 for an unknown item. */
  public static final String GRAPH_ITEM = "kerec.graph.item";
  /** Graph, request/reply: {@link PopularRequest} → {@link RecallResult} with popularity candidates. */
  public static final String GRAPH_POPULAR = "kerec.graph.popular";
  /**
   * Graph, request/reply: any body → {@link Done} (edges moved); moves the weights of the edges that got feedback
   * now, as the {@code feedback.flushMs} timer otherwise does, and replies once recall sees them.
   */
  public static final String GRAPH_FEEDBACK_FLUSH = "kerec.graph.feedback-flush";
  /** Graph, request/reply: {@link TrainingSetRequest} → {@link TrainingSet}. */
  public static final String GRAPH_TRAINING_SET = "kerec.graph.training-set";

  /** Judge, request/reply: any body → {@link Done}; judges every pending pair now, replying when none is left. */
  public static final String JUDGE_RUN = "kerec.judge.run";
  /**
   * Judge, request/reply: {@link ExternalVerdicts} → {@link Done} (verdicts newly stored); stores verdicts of an
   * external judge, keeps the engine from asking their pairs, and writes the complementary ones to the graph.
   */
  public static final String JUDGE_EXTERNAL_VERDICTS = "kerec.judge.external-verdicts";
  /** Judge status: queue depth, throttle, breaker, spend ({@link HealthReport} with details). */
  public static final String JUDGE_STATUS = "kerec.judge.status";

  /** Rank, request/reply: any body → {@link Done} (training samples); trains and swaps in a new model now. */
  public static final String RANK_TRAIN = "kerec.rank.train";

  /**
   * Rank, published by the recommender: {@link Served}, the features of what a user was shown, joined with the
   * exposures and clicks that follow into samples of the next training.
   */
  public static final String RANK_SERVED = "kerec.rank.served";

  /** Rank, request/reply: {@link ScoreRequest} → {@link Scores}. */
  public static final String RANK_SCORE = "kerec.rank.score";

  /**
   * Ingest, request/reply: {@link ExperimentCountsRequest} → {@link ExperimentCounts}, counted from the stored
   * events (the same on every instance, and after a restart).
   */
  public static final String INGEST_EXPERIMENT_COUNTS = "kerec.ingest.experiment-counts";

  /** Every verticle answers {@link HealthReport} on {@code HEALTH_PREFIX + name}. */
  public static final String HEALTH_PREFIX = "kerec.health.";

  private Addresses() {
  }

  /**
   * Delivery to this engine's own verticles, never to another cluster member: each engine ingests, judges and
   * answers with its own stores and view. Every internal send and publish uses this; only sibling services reach
   * the public addresses across the cluster.
   */
  public static io.vertx.core.eventbus.DeliveryOptions inEngine() {
    return new io.vertx.core.eventbus.DeliveryOptions().setLocalOnly(true);
  }

  /** {@link #inEngine()} with a reply timeout. */
  public static io.vertx.core.eventbus.DeliveryOptions inEngine(long replyTimeoutMs) {
    return inEngine().setSendTimeout(replyTimeoutMs);
  }

  /** Address on which live recommendations of one user are published. */
  public static String live(String userId) {
    return LIVE_PREFIX + userId;
  }
}

package io.kerec.api;

import io.kerec.bus.Addresses;
import io.kerec.bus.BusError;
import io.kerec.bus.Candidate;
import io.kerec.bus.CandidateIds;
import io.kerec.bus.ExperimentArm;
import io.kerec.bus.Features;
import io.kerec.bus.PopularRequest;
import io.kerec.bus.RecallRequest;
import io.kerec.bus.RecallResult;
import io.kerec.bus.RecommendRequest;
import io.kerec.bus.Recommendation;
import io.kerec.bus.Recommendations;
import io.kerec.bus.ScoreRequest;
import io.kerec.bus.Scores;
import io.kerec.bus.Served;
import io.kerec.config.ExperimentOptions;
import io.kerec.experiment.Experiments;
import io.kerec.observe.Meters;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recall → rank → top-k. Candidates come from the graph's recall channels; rank scores them (falling back to
 * the graph-only score if rank does not answer in time); popular items fill any remaining slots. A user with no
 * purchase history gets popular items with {@code fallback = true}.
 */
public final class Recommender {
  private static final Logger LOG = LoggerFactory.getLogger(Recommender.class);
  private static final DeliveryOptions FAST = Addresses.inEngine(5_000);
  private static final DeliveryOptions LOCAL = Addresses.inEngine();

  private final Vertx vertx;
  private final int maxCandidates;
  private final int freshSlots;
  private final int newArrivalSlots;
  private final boolean logServed;
  private final Experiments experiments;

  /**
   * @param freshSlots how many of the top-k may be taken by the best-ranked never-sold candidates
   * @param newArrivalSlots how many of the top-k are kept for new arrivals (first sold in the last 30 days of the
   *     data) when the ranker's order leaves fewer there and recall found more
   * @param logServed whether to publish what is shown on {@link Addresses#RANK_SERVED} (rank learns from feedback)
   * @param experiments the running A/B experiments: each answer is made with its user's arms' overrides and names
   *     the arm of the first experiment
   */
  public Recommender(Vertx vertx, int maxCandidates, int freshSlots, int newArrivalSlots, boolean logServed,
                     Experiments experiments) {
    this.vertx = vertx;
    this.maxCandidates = maxCandidates;
    this.freshSlots = freshSlots;
    this.newArrivalSlots = newArrivalSlots;
    this.logServed = logServed;
    this.experiments = experiments;
  }

  /**
   * The user's top-k recommendations: in the order the request names ({@link RecommendRequest#rank()}, outside any
   * experiment), else in the user's arm's order while an experiment runs, else the model's.
   */
  public Future<Recommendations> recommend(RecommendRequest request) {
    if (request.rank() != null) {
      if (!RecommendRequest.RANK_MODEL.equals(request.rank()) && !RecommendRequest.RANK_BASE.equals(request.rank())) {
        return Future.failedFuture(BusError.badInput("rank must be '" + RecommendRequest.RANK_MODEL + "' or '"
            + RecommendRequest.RANK_BASE + "', got '" + request.rank() + "'", "rank"));
      }
      return recommend(request, new ExperimentOptions.Overrides(request.rank(), null, null, null, null));
    }
    if (!experiments.running()) {
      return recommend(request, ExperimentOptions.Overrides.NONE);
    }
    List<Experiments.Assigned> arms = experiments.assign(request.userId());
    for (Experiments.Assigned a : arms) {
      answers(a.experiment(), a.arm().name()).increment();
    }
    Experiments.Assigned first = arms.get(0);
    return recommend(request, experiments.overrides(request.userId()))
        .map(recs -> recs.in(new ExperimentArm(first.experiment(), first.arm().name())));
  }

  private static Counter answers(String experiment, String arm) {
    return Counter.builder("kerec.experiment.answers").description("Recommendation answers made in an A/B arm")
        .tag("experiment", experiment).tag("arm", arm).register(Meters.registry());
  }

  private Future<Recommendations> recommend(RecommendRequest request, ExperimentOptions.Overrides overrides) {
    int candidates = overrides.maxCandidates() != null ? overrides.maxCandidates() : maxCandidates;
    int slots = overrides.freshSlots() != null ? overrides.freshSlots() : freshSlots;
    int arrivalSlots = overrides.newArrivalSlots() != null ? overrides.newArrivalSlots() : newArrivalSlots;
    boolean model = !RecommendRequest.RANK_BASE.equals(overrides.rank());
    return vertx.eventBus().<RecallResult>request(Addresses.GRAPH_RECALL,
            new RecallRequest(request.userId(), candidates, overrides.complementSources()), FAST)
        .compose(msg -> {
          RecallResult recall = msg.body();
          if (!recall.knownUser()) {
            return popular(request.userId(), request.k(), Set.of())
                .map(items -> new Recommendations(request.userId(), items, true));
          }
          return rank(recall.candidates(), model).compose(ranked -> {
            List<Ranked> shown = withSlots(ranked, request.k(), slots, arrivalSlots);
            logServed(request.userId(), shown);
            List<Recommendation> top = new ArrayList<>(shown.size());
            shown.forEach(r -> top.add(r.recommendation()));
            if (top.size() >= request.k()) {
              return Future.succeededFuture(new Recommendations(request.userId(), top, false));
            }
            Set<String> chosen = new HashSet<>();
            top.forEach(r -> chosen.add(r.itemId()));
            return popular(request.userId(), request.k() - top.size(), chosen).map(fill -> {
              top.addAll(fill);
              return new Recommendations(request.userId(), top, false);
            });
          });
        });
  }

  /**
   * The top-k: items with sales history in the ranker's order, and up to {@code freshSlots} never-sold items in the
   * last places. The ranker learns from purchases, which never-sold items have none of, so new items compete only
   * among themselves: first by how much their titles resemble what the user bought lately (a new variant of a line
   * they buy), then by the strength of the graph evidence that recalled them (their base score). Title first won on
   * both evaluation splits (docs/evaluation.md).
   *
   * <p>Then new arrivals (items first sold within the last 30 days of the data, {@link Candidate#newArrival()}): when
   * the items with sales history hold fewer than {@code newArrivalSlots} of them, the best-ranked new arrivals beyond
   * them take the places of the last ones that are not, keeping the ranker's order among the rest. The ranker learns
   * from the whole history, in which a new arrival's few weeks of sales weigh little, so without this a line that is
   * starting to sell rarely reaches the top-k; one such place raised the hits on new items of the basket protocol
   * from 0.050 to 0.111 (three seeds) at the same hit rate (docs/evaluation.md).
   */
  static List<Ranked> withSlots(List<Ranked> ranked, int k, int freshSlots, int newArrivalSlots) {
    List<Ranked> fresh = ranked.stream().filter(Ranked::fresh)
        .sorted(FRESH_ORDER)
        .limit(Math.min(freshSlots, k))
        .toList();
    List<Ranked> sold = ranked.stream().filter(r -> !r.fresh()).toList();
    int places = Math.min(k - fresh.size(), sold.size());
    List<Ranked> out = new ArrayList<>(sold.subList(0, places));
    int wanted = Math.min(newArrivalSlots, places) - (int) out.stream().filter(Ranked::newArrival).count();
    List<Ranked> arrivals = sold.subList(places, sold.size()).stream().filter(Ranked::newArrival)
        .limit(Math.max(0, wanted)).toList();
    for (int i = out.size() - 1, replaced = 0; i >= 0 && replaced < arrivals.size(); i--) {
      if (!out.get(i).newArrival()) {
        out.remove(i);
        replaced++;
      }
    }
    out.addAll(arrivals);
    out.addAll(fresh);
    return out;
  }

  /**
   * Tells rank what was shown, with the features it was ranked by, so its exposures and clicks can be learnt from
   * (only when rank learns from them).
   */
  private void logServed(String userId, List<Ranked> shown) {
    if (!logServed || shown.isEmpty()) {
      return;
    }
    vertx.eventBus().publish(Addresses.RANK_SERVED, new Served(userId, shown.stream()
        .map(r -> new Served.ServedItem(r.candidate().itemId(), r.candidate().features(),
            CandidateIds.of(r.candidate())))
        .toList()), LOCAL);
  }

  /** Never-sold items: the most title-similar first, then the strongest graph evidence, ties by item id. */
  static final Comparator<Ranked> FRESH_ORDER =
      Comparator.comparingDouble((Ranked r) -> -r.titleSimilarity())
          .thenComparingDouble(r -> -r.baseScore())
          .thenComparing(r -> r.recommendation().itemId());

  record Ranked(Recommendation recommendation, Candidate candidate) {
    boolean fresh() {
      return candidate.fresh();
    }

    boolean newArrival() {
      return candidate.newArrival();
    }

    double baseScore() {
      return candidate.baseScore();
    }

    double titleSimilarity() {
      float[] f = candidate.features();
      return f.length > Features.TITLE_SIMILARITY ? f[Features.TITLE_SIMILARITY] : 0;
    }
  }

  /** Candidates in the model's order ({@code model}), or in the graph's (the recall score alone). */
  private Future<List<Ranked>> rank(List<Candidate> candidates, boolean model) {
    if (candidates.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    Future<double[]> scores = model ? scores(candidates)
        : Future.succeededFuture(candidates.stream().mapToDouble(Candidate::baseScore).toArray());
    return scores
        .map(s -> {
          List<Ranked> out = new ArrayList<>(candidates.size());
          for (int i = 0; i < candidates.size(); i++) {
            Candidate c = candidates.get(i);
            out.add(new Ranked(new Recommendation(c.itemId(), c.title(), s[i], c.channel(), c.because()), c));
          }
          out.sort(Comparator.comparingDouble((Ranked r) -> -r.recommendation().score())
              .thenComparing(r -> r.recommendation().itemId()));
          return out;
        });
  }

  private Future<double[]> scores(List<Candidate> candidates) {
    return vertx.eventBus().<Scores>request(Addresses.RANK_SCORE, new ScoreRequest(candidates), FAST)
        .map(msg -> msg.body().scores())
        .recover(e -> {
          LOG.warn("rank unavailable, ordering by graph score: {}", e.getMessage());
          return Future.succeededFuture(candidates.stream().mapToDouble(Candidate::baseScore).toArray());
        });
  }

  private Future<List<Recommendation>> popular(String userId, int k, Set<String> exclude) {
    return vertx.eventBus().<RecallResult>request(Addresses.GRAPH_POPULAR, new PopularRequest(userId,
            k + exclude.size()), FAST)
        .map(msg -> msg.body().candidates().stream()
            .filter(c -> !exclude.contains(c.itemId()))
            .limit(k)
            .map(c -> new Recommendation(c.itemId(), c.title(), c.baseScore(), c.channel(), null))
            .toList());
  }
}

package io.kerec.graph.recall;

import io.kerec.bus.Candidate;
import io.kerec.bus.CandidateIds;
import io.kerec.bus.ComplementView;
import io.kerec.bus.EntityLink;
import io.kerec.bus.EntityViews;
import io.kerec.bus.Features;
import io.kerec.bus.TrainingSet;
import io.kerec.config.RecallOptions;
import io.kerec.graph.recall.CoOccurrence.Neighbour;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Builds rank's {@link TrainingSet} from purchase history, a few users at a time (see
 * {@link RecallView#trainingSetBuilder}), so that the owner of the view can interleave the work with serving recall.
 * For each sampled user with at least two bills: recall from the purchases before their last bill (co-purchases
 * counted without that bill, customer similarities without that user) and label each candidate 1 if the last bill
 * holds it. Never-sold candidates are left out: they cannot be labelled (the ranker does not order them; see the
 * recommender's fresh slots). Not thread-safe: runs on the view's thread.
 */
public final class TrainingSetBuilder {
  private static final int VIEW_LINKS_PER_ENTITY = 20;
  private static final int VIEW_ITEMS_PER_ENTITY = 10;
  private static final int VIEW_NEIGHBOURS_PER_ITEM = 50;

  private final RecallView view;
  private final RecallState state;
  private final CandidateFeatures features;
  private final List<String> sampled;
  private final RecallOptions options;
  private final int maxCandidates;
  private final boolean identities;
  private final List<float[]> rows = new ArrayList<>();
  private final List<Float> labels = new ArrayList<>();
  private final List<Integer> groups = new ArrayList<>();
  private final List<CandidateIds> ids = new ArrayList<>();
  private int next;
  private int group;

  private TrainingSetBuilder(RecallView view, RecallState state, CandidateFeatures features, List<String> sampled,
                             RecallOptions options, boolean identities, int maxCandidates) {
    this.view = view;
    this.state = state;
    this.features = features;
    this.sampled = sampled;
    this.options = options;
    this.identities = identities;
    this.maxCandidates = maxCandidates;
  }

  /** A builder over up to {@code maxUsers} eligible users, sampled deterministically from {@code seed}. */
  static TrainingSetBuilder sample(RecallView view, RecallState state, CandidateFeatures features,
                                   RecallOptions options, int maxUsers, long seed, boolean identities,
                                   int maxCandidates) {
    List<String> eligible = new ArrayList<>();
    for (Map.Entry<String, UserState> e : state.users().entrySet()) {
      List<UserState.Line> lines = e.getValue().lines;
      if (!lines.isEmpty() && lastBillStart(lines) > 0) {
        eligible.add(e.getKey());
      }
    }
    Collections.sort(eligible);
    Collections.shuffle(eligible, new Random(seed));
    return new TrainingSetBuilder(view, state, features, eligible.subList(0, Math.min(maxUsers, eligible.size())),
        options, identities, maxCandidates);
  }

  /** Adds the samples of up to {@code n} more users; {@code true} while users remain. */
  public boolean step(int n) {
    for (int done = 0; done < n && next < sampled.size(); done++) {
      addUser(sampled.get(next++));
    }
    return next < sampled.size();
  }

  /** The samples added so far. */
  public TrainingSet build() {
    float[] y = new float[labels.size()];
    for (int i = 0; i < y.length; i++) {
      y[i] = labels.get(i);
    }
    return new TrainingSet(rows.toArray(float[][]::new), y,
        groups.stream().mapToInt(Integer::intValue).toArray(),
        identities ? ids.toArray(CandidateIds[]::new) : null,
        identities ? entityViews(state, VIEW_LINKS_PER_ENTITY) : null);
  }

  private void addUser(String userId) {
    UserState user = state.user(userId);
    List<UserState.Line> lines = user.lines;
    int start = lastBillStart(lines);
    Set<String> before = new HashSet<>();
    for (int i = 0; i < start; i++) {
      before.add(lines.get(i).itemId());
    }
    Set<String> targets = new HashSet<>();
    for (int i = start; i < lines.size(); i++) {
      if (!before.contains(lines.get(i).itemId())) {
        targets.add(lines.get(i).itemId());
      }
    }
    if (targets.isEmpty()) {
      return;
    }
    int lastBill = state.bills().group(lines.get(lines.size() - 1).basketKey());
    Map<String, Integer> labelBill = new HashMap<>();
    for (int i = start; i < lines.size(); i++) {
      labelBill.merge(lines.get(i).itemId(), 1, Integer::sum);
    }
    boolean billIsRecent = lines.get(lines.size() - 1).tsMillis() >= state.recentSince();
    List<Candidate> candidates = new ArrayList<>(view.recall(RecallView.recentItems(lines, start,
            options.historyItems()), state.indexesOf(before), options, maxCandidates, lastBill, user.bought, false));
    candidates.removeIf(Candidate::fresh);
    for (Candidate c : candidates) {
      Integer own = labelBill.get(c.itemId());
      if (own != null) {
        withoutLabelBill(c.features(), state.item(c.itemId()), own, billIsRecent);
      }
    }
    features.rankAmongCandidates(candidates, Features.RECENT_POPULARITY, Features.RECENT_POPULARITY_RANK);
    for (Candidate c : candidates) {
      rows.add(c.features());
      labels.add(targets.contains(c.itemId()) ? 1f : 0f);
      groups.add(group);
      if (identities) {
        ids.add(CandidateIds.of(c));
      }
    }
    group++;
  }

  /** Sales features as they were before the label bill, so that positives do not carry their own purchase. */
  private static void withoutLabelBill(float[] f, ItemState item, int lines, boolean recent) {
    f[Features.ITEM_POPULARITY] = (float) Math.log1p(Math.max(0, item.purchases - lines));
    if (recent) {
      f[Features.RECENT_POPULARITY] = (float) Math.log1p(Math.max(0, item.recentPurchases - lines));
    }
  }

  /** Where the user's last bill starts among their lines. */
  private static int lastBillStart(List<UserState.Line> lines) {
    String last = lines.get(lines.size() - 1).basketKey();
    int i = lines.size() - 1;
    while (i > 0 && lines.get(i - 1).basketKey().equals(last)) {
      i--;
    }
    return i;
  }

  /**
   * The complementary and co-purchase views of every entity, each entity keeping its {@code perEntity} strongest
   * links: complements by weight; co-purchases summed over its most sold items' co-purchase neighbours, mapped to
   * their main entities (the entity itself left out).
   */
  static EntityViews entityViews(RecallState state, int perEntity) {
    List<EntityLink> complements = new ArrayList<>();
    List<EntityLink> coPurchases = new ArrayList<>();
    List<String> names = new ArrayList<>(state.entityNames());
    Collections.sort(names);
    for (String name : names) {
      EntityState entity = state.entity(name);
      entity.complements.stream()
          .sorted(Comparator.comparingDouble((ComplementView c) -> -c.weight())
              .thenComparing(ComplementView::entity))
          .limit(perEntity)
          .forEach(c -> complements.add(new EntityLink(name, c.entity(), c.weight())));
      Map<String, Double> together = new HashMap<>();
      List<ItemState> sold = entity.itemsByPopularity();
      for (int i = 0; i < Math.min(VIEW_ITEMS_PER_ENTITY, sold.size()) && sold.get(i).purchases > 0; i++) {
        for (Neighbour n : state.bills().neighbours(sold.get(i).index, VIEW_NEIGHBOURS_PER_ITEM, -1,
            state.byItemId())) {
          String other = state.item(n.item()).mainEntity();
          if (other != null && !other.equals(name)) {
            together.merge(other, n.cosine(), Double::sum);
          }
        }
      }
      together.entrySet().stream()
          .sorted(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
          .limit(perEntity)
          .forEach(e -> coPurchases.add(new EntityLink(name, e.getKey(), e.getValue())));
    }
    return new EntityViews(complements, coPurchases);
  }
}

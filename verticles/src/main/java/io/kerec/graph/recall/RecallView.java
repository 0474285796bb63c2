package io.kerec.graph.recall;

import io.kerec.bus.Candidate;
import io.kerec.bus.Complement;
import io.kerec.bus.ComplementView;
import io.kerec.bus.EntityViews;
import io.kerec.bus.ItemEntities;
import io.kerec.bus.ItemView;
import io.kerec.bus.PurchaseFact;
import io.kerec.bus.TrainingSet;
import io.kerec.config.RecallOptions;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * In-memory view of what recall needs: items and their entities, complementary edges by weight, bills (for
 * "also bought"), sales counts and users' purchase histories. Rebuilt from the stores at start and kept current by
 * the graph verticle, so a recommendation needs no store round trip.
 *
 * <p>Recall is multi-channel, as in the industrial system LLM-KERec extends: complementary U2E2I candidates are
 * added to "also bought" co-purchase candidates, repeat needs (other items of the user's own entities) and popular
 * items; every candidate carries the features of every channel so the ranker learns which to trust. This class only
 * orchestrates: the state is {@link RecallState}, each channel a {@link RecallChannel}, the scoring and features
 * {@link CandidateFeatures}, rank's samples a {@link TrainingSetBuilder}.
 * Not thread-safe: owned by one verticle.
 */
public final class RecallView {
  /** Complementary U2E2I channel: user → bought items → entities → complementary entities → items. */
  public static final String CHANNEL_COMPLEMENT = "complement";
  /** Co-purchase channel: items bought in the same bills as the user's recent items. */
  public static final String CHANNEL_ALSO_BOUGHT = "also-bought";
  /** Customers who bought the user's items also bought: item-KNN over customers. */
  public static final String CHANNEL_SIMILAR_CUSTOMERS = "similar-customers";
  /** New items whose titles share informative words (product line, theme) with the user's recent items. */
  public static final String CHANNEL_SIMILAR_TITLE = "similar-title";
  /** Repeat needs: other items of the entities the user bought. */
  public static final String CHANNEL_SAME_ENTITY = "same-entity";
  /** Popular and recently popular items. */
  public static final String CHANNEL_POPULAR = "popularity";

  private final RecallState state = new RecallState();
  private final RecallPass pass = new RecallPass();
  private final CandidateFeatures features = new CandidateFeatures(state);
  private final PopularityChannel popularity = new PopularityChannel(state);
  /** Every channel, in the order they run (any order gives the same candidates). */
  private final RecallChannel[] channels = {
      new ComplementChannel(),
      new AlsoBoughtChannel(state),
      new SimilarCustomersChannel(state),
      new SameEntityChannel(),
      new SimilarTitleChannel(state),
      popularity,
  };

  /** Adds or replaces an item and its entities. */
  public void putItem(ItemEntities item) {
    state.putItem(item);
  }

  /** Records a purchase: sales counts, the bill it belongs to and the user's history. Unknown items are ignored. */
  public void addPurchase(PurchaseFact purchase) {
    state.addPurchase(purchase);
  }

  /**
   * Recomputes what is derived lazily from the purchases (see {@code RecallState#settle}); the graph verticle calls
   * it once purchases stop arriving for a moment.
   */
  public void settle() {
    state.settle();
  }

  /** Adds or replaces a complementary edge. */
  public void putComplement(Complement edge) {
    state.putComplement(edge);
  }

  /** The complement {@code from} → {@code to}, if the view has it. */
  public Optional<ComplementView> complement(String from, String to) {
    return state.complement(from, to);
  }

  /** The strongest complements of an entity. */
  public List<ComplementView> complements(String entity, int k) {
    return state.complements(entity, k);
  }

  /** One item with its entities and sales. */
  public Optional<ItemView> item(String itemId) {
    return state.itemView(itemId);
  }

  /** Whether the user has bought anything. */
  public boolean knownUser(String userId) {
    return state.knownUser(userId);
  }

  /** Multi-channel recall for a user from their whole history. */
  public List<Candidate> recall(String userId, RecallOptions options, int maxCandidates) {
    return recall(userId, options, maxCandidates, null);
  }

  /**
   * Multi-channel recall for a user from their whole history, the complementary channel following only the edges
   * of {@code complementSources}' verdicts (every edge when null).
   */
  public List<Candidate> recall(String userId, RecallOptions options, int maxCandidates,
                                Set<String> complementSources) {
    UserState user = state.user(userId);
    if (user == null) {
      return List.of();
    }
    return recall(recentItems(user.lines, user.lines.size(), options.historyItems()), user.boughtIndexes, options,
        maxCandidates, -1, null, true, complementSources);
  }

  /**
   * Multi-channel recall from explicit history: {@code recentItems} most recent first (weighted 1/(r+1) by
   * position), nothing in {@code exclude}. Each candidate keeps its strongest explanation.
   */
  public List<Candidate> recall(List<String> recentItems, Set<String> exclude, RecallOptions options,
                                int maxCandidates) {
    List<Trigger> triggers = new ArrayList<>(recentItems.size());
    for (int r = 0; r < recentItems.size(); r++) {
      triggers.add(new Trigger(recentItems.get(r), 1.0 / (r + 1)));
    }
    return recall(triggers, state.indexesOf(exclude), options, maxCandidates, -1, null, true);
  }

  /** A recall trigger: a recently bought item and its recency weight. */
  record Trigger(String itemId, double recency) {
  }

  /**
   * The last {@code limit} distinct items before {@code end}, most recent first, weighted 1/(r+1) where r ranks
   * bills by recency: all lines of one bill share a rank.
   */
  static List<Trigger> recentItems(List<UserState.Line> lines, int end, int limit) {
    LinkedHashMap<String, Double> recent = new LinkedHashMap<>();
    int billRank = -1;
    String bill = null;
    for (int i = end - 1; i >= 0 && recent.size() < limit; i--) {
      UserState.Line line = lines.get(i);
      if (!line.basketKey().equals(bill)) {
        bill = line.basketKey();
        billRank++;
      }
      recent.putIfAbsent(line.itemId(), 1.0 / (billRank + 1));
    }
    List<Trigger> out = new ArrayList<>(recent.size());
    recent.forEach((item, weight) -> out.add(new Trigger(item, weight)));
    return out;
  }

  /**
   * Recall from {@code triggers}, nothing in {@code exclude}: every channel adds to one pass, then the strongest
   * {@code maxCandidates} become candidates. Training samples leave out the label bill ({@code withoutBill}, or -1)
   * and the user's own row of customer similarities ({@code withoutCustomer}, or null), and recall no new items by
   * title ({@code newItemsByTitle}).
   */
  List<Candidate> recall(List<Trigger> triggers, BitSet exclude, RecallOptions options, int maxCandidates,
                         int withoutBill, Set<String> withoutCustomer, boolean newItemsByTitle) {
    return recall(triggers, exclude, options, maxCandidates, withoutBill, withoutCustomer, newItemsByTitle, null);
  }

  private List<Candidate> recall(List<Trigger> triggers, BitSet exclude, RecallOptions options, int maxCandidates,
                                 int withoutBill, Set<String> withoutCustomer, boolean newItemsByTitle,
                                 Set<String> complementSources) {
    state.refreshPopularity();
    RecallPass p = pass.begin(state.itemCount(), exclude, options, withoutBill, withoutCustomer, newItemsByTitle,
            state.listedSince(options.newItemDays()))
        .followingComplementsOf(complementSources);
    for (Trigger t : triggers) {
      ItemState trigger = state.item(t.itemId());
      if (trigger != null) {
        p.addTrigger(trigger, t.recency());
      }
    }
    for (RecallChannel channel : channels) {
      channel.collect(p);
    }
    return features.candidates(p.touched(), maxCandidates, p::isNew);
  }

  /** The k most sold items not bought by the user (any user when null) and not in {@code alsoExclude}. */
  public List<Candidate> popular(String userId, int k, Set<String> alsoExclude) {
    state.refreshPopularity();
    UserState user = userId == null ? null : state.user(userId);
    return popularity.top(user == null ? Set.of() : user.bought, k, alsoExclude);
  }

  /**
   * Ranking samples rebuilt from purchase history: for up to {@code maxUsers} users with at least two bills,
   * recall from the purchases before their last bill (co-purchases counted without that bill) and label each
   * candidate 1 if the last bill holds it. Never-sold candidates are left out: they cannot be labelled (the ranker
   * does not order them; see the recommender's fresh slots). Users are sampled deterministically from {@code seed}.
   * The set carries each row's identities and the entity views.
   */
  public TrainingSet trainingSet(RecallOptions options, int maxUsers, long seed, int maxCandidates) {
    TrainingSetBuilder builder = trainingSetBuilder(options, maxUsers, seed, true, maxCandidates);
    builder.step(Integer.MAX_VALUE);
    return builder.build();
  }

  /**
   * The same samples as {@link #trainingSet}, built a few users at a time, so that the owner of the view can
   * interleave the work with serving recall instead of blocking for the whole set; the identities and entity views
   * only when {@code identities} asks for them.
   */
  public TrainingSetBuilder trainingSetBuilder(RecallOptions options, int maxUsers, long seed, boolean identities,
                                               int maxCandidates) {
    return TrainingSetBuilder.sample(this, state, features, options, maxUsers, seed, identities, maxCandidates);
  }

  /**
   * The complementary and co-purchase views of every entity, each entity keeping its {@code perEntity} strongest
   * links: complements by weight; co-purchases summed over its most sold items' co-purchase neighbours, mapped to
   * their main entities (the entity itself left out).
   */
  public EntityViews entityViews(int perEntity) {
    return TrainingSetBuilder.entityViews(state, perEntity);
  }

  /** Counts for health and metrics. */
  public Map<String, Long> counts() {
    return state.counts();
  }
}

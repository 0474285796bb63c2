package io.kerec.graph;

import io.kerec.bus.Because;
import io.kerec.bus.Candidate;
import io.kerec.bus.Complement;
import io.kerec.bus.ComplementView;
import io.kerec.bus.Features;
import io.kerec.bus.ItemEntities;
import io.kerec.bus.ItemView;
import io.kerec.bus.PurchaseFact;
import io.kerec.bus.TrainingSet;
import io.kerec.config.RecallOptions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * In-memory view of what recall needs: items and their entities, complementary edges by weight, sales counts and
 * users' purchase histories. Rebuilt from the stores at start and kept current by the graph verticle, so that a
 * recommendation needs no store round trip. Not thread-safe: owned by one verticle.
 */
public final class RecallView {
  /** Recall channel of complementary U2E2I candidates. */
  public static final String CHANNEL_COMPLEMENT = "complement";
  /** Recall channel of popularity fill-ins. */
  public static final String CHANNEL_POPULAR = "popularity";

  private final Map<String, ItemState> items = new HashMap<>();
  private final Map<String, EntityState> entities = new HashMap<>();
  private final Map<String, UserState> users = new HashMap<>();
  private List<ItemState> byPopularity = List.of();
  private boolean popularityDirty = true;
  private long purchases;
  private long complementEdges;

  private static final class ItemState {
    final String itemId;
    String title;
    Double price;
    String category;
    List<String> entities = List.of();
    long purchases;

    ItemState(String itemId) {
      this.itemId = itemId;
    }
  }

  private static final class EntityState {
    final String name;
    final List<ItemState> items = new ArrayList<>();
    final List<ComplementView> complements = new ArrayList<>();
    long purchases;
    boolean itemsDirty;

    EntityState(String name) {
      this.name = name;
    }

    List<ItemState> itemsByPopularity() {
      if (itemsDirty) {
        items.sort(Comparator.comparingLong((ItemState i) -> -i.purchases).thenComparing(i -> i.itemId));
        itemsDirty = false;
      }
      return items;
    }
  }

  private record Line(String itemId, String basketKey, long tsMillis) {
  }

  private static final class UserState {
    final List<Line> lines = new ArrayList<>();
    final Set<String> bought = new HashSet<>();
  }

  /** Adds or replaces an item and its entities. */
  public void putItem(ItemEntities item) {
    ItemState state = items.computeIfAbsent(item.itemId(), ItemState::new);
    for (String old : state.entities) {
      EntityState entity = entities.get(old);
      if (entity != null) {
        entity.items.remove(state);
        entity.purchases -= state.purchases;
      }
    }
    state.title = item.title();
    state.price = item.price();
    state.category = item.category();
    state.entities = List.copyOf(item.entities());
    for (String name : state.entities) {
      EntityState entity = entities.computeIfAbsent(name, EntityState::new);
      entity.items.add(state);
      entity.purchases += state.purchases;
      entity.itemsDirty = true;
    }
    popularityDirty = true;
  }

  /** Records a purchase: sales counts and the user's history. Purchases of unknown items are ignored. */
  public void addPurchase(PurchaseFact purchase) {
    ItemState item = items.get(purchase.itemId());
    if (item == null) {
      return;
    }
    item.purchases++;
    for (String name : item.entities) {
      EntityState entity = entities.get(name);
      entity.purchases++;
      entity.itemsDirty = true;
    }
    UserState user = users.computeIfAbsent(purchase.userId(), u -> new UserState());
    user.lines.add(new Line(purchase.itemId(), purchase.basketKey(), purchase.tsMillis()));
    user.bought.add(purchase.itemId());
    purchases++;
    popularityDirty = true;
  }

  /** Adds or replaces a complementary edge. */
  public void putComplement(Complement edge) {
    EntityState from = entities.computeIfAbsent(edge.from(), EntityState::new);
    if (!from.complements.removeIf(c -> c.entity().equals(edge.to()))) {
      complementEdges++;
    }
    ComplementView view = new ComplementView(edge.to(), edge.weight(), edge.confidence(), edge.provenance());
    int at = Collections.binarySearch(from.complements, view, BY_WEIGHT);
    from.complements.add(at < 0 ? -at - 1 : at, view);
    entities.computeIfAbsent(edge.to(), EntityState::new);
  }

  private static final Comparator<ComplementView> BY_WEIGHT =
      Comparator.comparingDouble((ComplementView c) -> -c.weight()).thenComparing(ComplementView::entity);

  /** The strongest complements of an entity. */
  public List<ComplementView> complements(String entity, int k) {
    EntityState state = entities.get(entity);
    if (state == null) {
      return List.of();
    }
    return List.copyOf(state.complements.subList(0, Math.min(k, state.complements.size())));
  }

  /** One item with its entities and sales. */
  public Optional<ItemView> item(String itemId) {
    ItemState s = items.get(itemId);
    return s == null ? Optional.empty()
        : Optional.of(new ItemView(s.itemId, s.title, s.price, s.category, s.entities, s.purchases));
  }

  /** Whether the user has bought anything. */
  public boolean knownUser(String userId) {
    UserState user = users.get(userId);
    return user != null && !user.lines.isEmpty();
  }

  /** U2E2I recall for a user from their whole history. */
  public List<Candidate> recall(String userId, RecallOptions options, int maxCandidates) {
    UserState user = users.get(userId);
    if (user == null) {
      return List.of();
    }
    return recall(recentItems(user.lines, user.lines.size(), options.historyItems()), user.bought, options,
        maxCandidates);
  }

  private static List<String> recentItems(List<Line> lines, int end, int limit) {
    LinkedHashMap<String, Boolean> recent = new LinkedHashMap<>();
    for (int i = end - 1; i >= 0 && recent.size() < limit; i--) {
      recent.putIfAbsent(lines.get(i).itemId(), Boolean.TRUE);
    }
    return new ArrayList<>(recent.keySet());
  }

  private static final class Accumulator {
    final ItemState item;
    final EntityState target;
    double maxWeight;
    double maxConfidence;
    double recency;
    int triggers;
    double base;
    double bestPath = -1;
    Because because;
    String lastTrigger;

    Accumulator(ItemState item, EntityState target) {
      this.item = item;
      this.target = target;
    }
  }

  /**
   * U2E2I recall from explicit history: recent items (most recent first) → their entities → complementary
   * entities → items of those entities not in {@code exclude}. Each candidate keeps its strongest path.
   */
  public List<Candidate> recall(List<String> recentItems, Set<String> exclude, RecallOptions options,
                                int maxCandidates) {
    Map<String, Accumulator> acc = new HashMap<>();
    for (int rank = 0; rank < recentItems.size(); rank++) {
      ItemState trigger = items.get(recentItems.get(rank));
      if (trigger == null) {
        continue;
      }
      double recency = 1.0 / (rank + 1);
      for (String triggerEntity : trigger.entities) {
        EntityState from = entities.get(triggerEntity);
        int followed = 0;
        for (ComplementView edge : from.complements) {
          if (followed++ >= options.complementsPerEntity()) {
            break;
          }
          EntityState target = entities.get(edge.entity());
          int popular = 0;
          int fresh = 0;
          for (ItemState candidate : target.itemsByPopularity()) {
            boolean isNew = candidate.purchases == 0;
            if (isNew ? fresh++ >= options.newItemsPerEntity() : popular++ >= options.itemsPerEntity()) {
              continue;
            }
            if (exclude.contains(candidate.itemId)) {
              continue;
            }
            Accumulator a = acc.computeIfAbsent(candidate.itemId, id -> new Accumulator(candidate, target));
            double path = recency * edge.weight();
            a.maxWeight = Math.max(a.maxWeight, edge.weight());
            a.maxConfidence = Math.max(a.maxConfidence, edge.confidence());
            if (!trigger.itemId.equals(a.lastTrigger)) {
              a.recency += recency;
              a.triggers++;
              a.lastTrigger = trigger.itemId;
              a.base += path;
            }
            if (path > a.bestPath) {
              a.bestPath = path;
              a.because = new Because(trigger.itemId, triggerEntity, edge.entity(), edge.weight());
            }
          }
        }
      }
    }
    List<Candidate> candidates = new ArrayList<>(acc.size());
    for (Accumulator a : acc.values()) {
      float[] f = baseFeatures(a.item, a.target);
      f[Features.EDGE_WEIGHT] = (float) a.maxWeight;
      f[Features.EDGE_CONFIDENCE] = (float) a.maxConfidence;
      f[Features.TRIGGER_RECENCY] = (float) a.recency;
      f[Features.TRIGGER_COUNT] = (float) Math.log1p(a.triggers);
      double score = a.base * f[Features.ITEM_SHARE];
      candidates.add(new Candidate(a.item.itemId, a.item.title, CHANNEL_COMPLEMENT, f, score, a.because));
    }
    candidates.sort(Comparator.comparingDouble((Candidate c) -> -c.baseScore()).thenComparing(Candidate::itemId));
    return candidates.size() > maxCandidates ? List.copyOf(candidates.subList(0, maxCandidates)) : candidates;
  }

  private float[] baseFeatures(ItemState item, EntityState target) {
    float[] f = new float[Features.SIZE];
    f[Features.ITEM_POPULARITY] = (float) Math.log1p(item.purchases);
    f[Features.ITEM_SHARE] = (float) share(item, target);
    f[Features.ENTITY_POPULARITY] = target == null ? 0f : (float) Math.log1p(target.purchases);
    f[Features.ITEM_IS_NEW] = item.purchases == 0 ? 1f : 0f;
    f[Features.PRICE] = item.price == null || item.price <= 0 ? 0f : (float) Math.log1p(item.price);
    return f;
  }

  /**
   * The item's share of its entity's sales, smoothed so that a never-sold item gets a fair prior: it is credited
   * with the entity's average sales per item.
   */
  private static double share(ItemState item, EntityState entity) {
    if (entity == null || entity.items.isEmpty()) {
      return 0;
    }
    double prior = Math.max(1.0, (double) entity.purchases / entity.items.size());
    return (item.purchases + prior) / (entity.purchases + prior * entity.items.size());
  }

  /** The k most sold items not bought by the user (any user when null). */
  public List<Candidate> popular(String userId, int k, Set<String> alsoExclude) {
    if (popularityDirty) {
      List<ItemState> sorted = new ArrayList<>(items.values());
      sorted.sort(Comparator.comparingLong((ItemState i) -> -i.purchases).thenComparing(i -> i.itemId));
      byPopularity = sorted;
      popularityDirty = false;
    }
    UserState user = userId == null ? null : users.get(userId);
    Set<String> bought = user == null ? Set.of() : user.bought;
    List<Candidate> out = new ArrayList<>(k);
    for (ItemState item : byPopularity) {
      if (out.size() >= k) {
        break;
      }
      if (bought.contains(item.itemId) || alsoExclude.contains(item.itemId)) {
        continue;
      }
      EntityState main = item.entities.isEmpty() ? null : entities.get(item.entities.get(0));
      out.add(new Candidate(item.itemId, item.title, CHANNEL_POPULAR, baseFeatures(item, main),
          Math.log1p(item.purchases), null));
    }
    return out;
  }

  /**
   * Ranking samples rebuilt from purchase history: for up to {@code maxUsers} users with at least two bills,
   * recall from the purchases before their last bill and label each candidate 1 if the last bill holds it.
   * Users are sampled deterministically from {@code seed}.
   */
  public TrainingSet trainingSet(RecallOptions options, int maxUsers, long seed, int maxCandidates) {
    List<String> eligible = new ArrayList<>();
    for (Map.Entry<String, UserState> e : users.entrySet()) {
      List<Line> lines = e.getValue().lines;
      if (!lines.isEmpty() && lastBillStart(lines) > 0) {
        eligible.add(e.getKey());
      }
    }
    Collections.sort(eligible);
    Collections.shuffle(eligible, new Random(seed));
    List<float[]> features = new ArrayList<>();
    List<Float> labels = new ArrayList<>();
    for (String userId : eligible.subList(0, Math.min(maxUsers, eligible.size()))) {
      List<Line> lines = users.get(userId).lines;
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
        continue;
      }
      for (Candidate c : recall(recentItems(lines, start, options.historyItems()), before, options, maxCandidates)) {
        features.add(c.features());
        labels.add(targets.contains(c.itemId()) ? 1f : 0f);
      }
    }
    float[] y = new float[labels.size()];
    for (int i = 0; i < y.length; i++) {
      y[i] = labels.get(i);
    }
    return new TrainingSet(features.toArray(float[][]::new), y);
  }

  private static int lastBillStart(List<Line> lines) {
    String last = lines.get(lines.size() - 1).basketKey();
    int i = lines.size() - 1;
    while (i > 0 && lines.get(i - 1).basketKey().equals(last)) {
      i--;
    }
    return i;
  }

  /** Counts for health and metrics. */
  public Map<String, Long> counts() {
    return Map.of("items", (long) items.size(), "entities", (long) entities.size(), "users", (long) users.size(),
        "purchases", purchases, "complements", complementEdges);
  }
}

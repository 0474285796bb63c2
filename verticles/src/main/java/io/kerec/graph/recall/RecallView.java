package io.kerec.graph.recall;

import io.kerec.bus.Because;
import io.kerec.bus.Candidate;
import io.kerec.bus.CandidateIds;
import io.kerec.bus.EntityLink;
import io.kerec.bus.EntityViews;
import io.kerec.bus.Complement;
import io.kerec.bus.ComplementView;
import io.kerec.bus.Features;
import io.kerec.bus.ItemEntities;
import io.kerec.bus.ItemView;
import io.kerec.bus.PurchaseFact;
import io.kerec.bus.TrainingSet;
import io.kerec.config.RecallOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
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
import io.kerec.graph.recall.CoOccurrence.IntList;
import io.kerec.graph.recall.CoOccurrence.Neighbour;

/**
 * In-memory view of what recall needs: items and their entities, complementary edges by weight, bills (for
 * "also bought"), sales counts and users' purchase histories. Rebuilt from the stores at start and kept current by
 * the graph verticle, so a recommendation needs no store round trip.
 *
 * <p>Recall is multi-channel, as in the industrial system LLM-KERec extends: complementary U2E2I candidates are
 * added to "also bought" co-purchase candidates, repeat needs (other items of the user's own entities) and popular
 * items; every candidate carries the features of every channel so the ranker learns which to trust.
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

  private static final long RECENT_WINDOW_MS = 30L * 24 * 3600 * 1000;
  private static final int RECENT_REFRESH_PURCHASES = 1_000;

  private final Map<String, ItemState> items = new HashMap<>();
  private final List<ItemState> itemsByIndex = new ArrayList<>();
  private final Map<String, EntityState> entities = new HashMap<>();
  private static final int VIEW_LINKS_PER_ENTITY = 20;
  private static final int VIEW_ITEMS_PER_ENTITY = 10;
  private static final int VIEW_NEIGHBOURS_PER_ITEM = 50;
  private final Map<String, UserState> users = new HashMap<>();
  private final CoOccurrence bills = new CoOccurrence();
  private final CoOccurrence buyers = new CoOccurrence();
  private final TitleIndex titles = new TitleIndex();
  private final IntList purchaseItems = new IntList();
  private long[] purchaseTimes = new long[1024];
  private List<ItemState> byPopularity = List.of();
  private List<ItemState> byRecentPopularity = List.of();
  private boolean popularityDirty = true;
  private int[] idOrder = new int[0];
  private boolean idOrderDirty;
  private int[] positionScratch = new int[0];
  private long[] keyScratch = new long[0];
  private double[] scoreScratch = new double[0];
  private final Pool pool = new Pool();
  private int purchasesSinceRecent;
  private boolean recentComputed;
  private boolean repeatCountsDirty;
  private long latestTs = Long.MIN_VALUE;
  private long purchases;
  private long complementEdges;

  private static final class ItemState {
    final String itemId;
    final int index;
    String title;
    Double price;
    String category;
    List<String> entities = List.of();
    List<EntityState> entityStates = List.of();
    long purchases;
    long recentPurchases;
    int popularityPosition;
    float logPrice;
    final LogOfCount logPurchases = new LogOfCount();
    final LogOfCount logRecent = new LogOfCount();

    ItemState(String itemId, int index) {
      this.itemId = itemId;
      this.index = index;
    }

    String mainEntity() {
      return entities.isEmpty() ? null : entities.get(0);
    }

    EntityState mainEntityState() {
      return entityStates.isEmpty() ? null : entityStates.get(0);
    }
  }


  /** log(1 + n) as a float feature, computed again only when the count changed. */
  private static final class LogOfCount {
    private long count = -1;
    private float log;

    float of(long n) {
      if (n != count) {
        count = n;
        log = (float) Math.log1p(n);
      }
      return log;
    }
  }

  private static final class EntityState {
    final String name;
    final List<ItemState> items = new ArrayList<>();
    final List<ComplementView> complements = new ArrayList<>();
    /** The entity of each of {@link #complements}, at the same position. */
    final List<EntityState> complementTargets = new ArrayList<>();
    long purchases;
    long recentPurchases;
    double repeatRate;
    /** Users who bought an item of this entity, and those of them who bought two or more distinct ones. */
    int buyers;
    int repeaters;
    boolean itemsDirty;
    final LogOfCount logPurchases = new LogOfCount();

    EntityState(String name) {
      this.name = name;
    }

    List<ItemState> itemsByPopularity() {
      if (itemsDirty) {
        items.sort(BY_SALES);
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
    final BitSet boughtIndexes = new BitSet();
    /** How many distinct bought items carry each entity (an entity listed twice by an item counts twice). */
    final Map<EntityState, int[]> itemsPerEntity = new HashMap<>();

    void countEntities(ItemState item) {
      for (EntityState entity : item.entityStates) {
        int n = ++itemsPerEntity.computeIfAbsent(entity, e -> new int[1])[0];
        if (n == 1) {
          entity.buyers++;
        } else if (n == 2) {
          entity.repeaters++;
        }
      }
    }
  }

  /** Adds or replaces an item and its entities. */
  public void putItem(ItemEntities item) {
    ItemState state = items.computeIfAbsent(item.itemId(), id -> {
      ItemState s = new ItemState(id, itemsByIndex.size());
      itemsByIndex.add(s);
      idOrderDirty = true;
      return s;
    });
    for (String old : state.entities) {
      EntityState entity = entities.get(old);
      if (entity != null) {
        entity.items.remove(state);
        entity.purchases -= state.purchases;
        entity.recentPurchases -= state.recentPurchases;
      }
    }
    if (state.purchases > 0 && !state.entities.equals(item.entities())) {
      repeatCountsDirty = true;
    }
    state.title = item.title();
    titles.put(state.index, item.title());
    state.price = item.price();
    state.logPrice = state.price == null || state.price <= 0 ? 0f : (float) Math.log1p(state.price);
    state.category = item.category();
    state.entities = List.copyOf(item.entities());
    List<EntityState> states = new ArrayList<>(state.entities.size());
    for (String name : state.entities) {
      EntityState entity = entities.computeIfAbsent(name, EntityState::new);
      states.add(entity);
      entity.items.add(state);
      entity.purchases += state.purchases;
      entity.recentPurchases += state.recentPurchases;
      entity.itemsDirty = true;
    }
    state.entityStates = List.copyOf(states);
    popularityDirty = true;
  }

  /** Records a purchase: sales counts, the bill it belongs to and the user's history. Unknown items are ignored. */
  public void addPurchase(PurchaseFact purchase) {
    ItemState item = items.get(purchase.itemId());
    if (item == null) {
      return;
    }
    item.purchases++;
    for (EntityState entity : item.entityStates) {
      entity.purchases++;
      if (!entity.itemsDirty) {
        moveUp(entity.items, entity.items.indexOf(item), false);
      }
    }
    if (!popularityDirty) {
      moveUp(byPopularity, item.popularityPosition, true);
    }
    bills.add(purchase.basketKey(), item.index);
    buyers.add(purchase.userId(), item.index);
    UserState user = users.computeIfAbsent(purchase.userId(), u -> new UserState());
    user.lines.add(new Line(purchase.itemId(), purchase.basketKey(), purchase.tsMillis()));
    if (user.bought.add(purchase.itemId()) && !repeatCountsDirty) {
      user.countEntities(item);
    }
    user.boughtIndexes.set(item.index);
    if (purchaseItems.size == purchaseTimes.length) {
      purchaseTimes = Arrays.copyOf(purchaseTimes, purchaseTimes.length * 2);
    }
    purchaseTimes[purchaseItems.size] = purchase.tsMillis();
    purchaseItems.add(item.index);
    latestTs = Math.max(latestTs, purchase.tsMillis());
    purchases++;
    purchasesSinceRecent++;
  }

  /**
   * Restores the order by sales (most first, ties by item id) after the item at {@code at} sold once more: it can
   * only move towards the front. With {@code positions}, each moved item's popularity position is kept.
   */
  private static void moveUp(List<ItemState> list, int at, boolean positions) {
    ItemState item = list.get(at);
    while (at > 0 && BY_SALES.compare(item, list.get(at - 1)) < 0) {
      ItemState before = list.get(at - 1);
      list.set(at, before);
      if (positions) {
        before.popularityPosition = at;
      }
      at--;
    }
    list.set(at, item);
    if (positions) {
      item.popularityPosition = at;
    }
  }

  private static final Comparator<ItemState> BY_SALES =
      Comparator.comparingLong((ItemState i) -> -i.purchases).thenComparing(i -> i.itemId);

  /** The position of the item's id among all item ids in their natural order, by item index. */
  private int[] idOrder() {
    if (idOrderDirty || idOrder.length != itemsByIndex.size()) {
      Integer[] byId = new Integer[itemsByIndex.size()];
      for (int i = 0; i < byId.length; i++) {
        byId[i] = i;
      }
      Arrays.sort(byId, Comparator.comparing(i -> itemsByIndex.get(i).itemId));
      idOrder = new int[byId.length];
      for (int r = 0; r < byId.length; r++) {
        idOrder[byId[r]] = r;
      }
      positionScratch = new int[byId.length];
      idOrderDirty = false;
    }
    return idOrder;
  }

  /** Adds or replaces a complementary edge. */
  public void putComplement(Complement edge) {
    EntityState from = entities.computeIfAbsent(edge.from(), EntityState::new);
    EntityState to = entities.computeIfAbsent(edge.to(), EntityState::new);
    int old = from.complementTargets.indexOf(to);
    if (old >= 0) {
      from.complements.remove(old);
      from.complementTargets.remove(old);
    } else {
      complementEdges++;
    }
    ComplementView view = new ComplementView(edge.to(), edge.weight(), edge.confidence(), edge.provenance());
    int at = Collections.binarySearch(from.complements, view, BY_WEIGHT);
    int insert = at < 0 ? -at - 1 : at;
    from.complements.add(insert, view);
    from.complementTargets.add(insert, to);
  }

  private static final Comparator<ComplementView> BY_WEIGHT =
      Comparator.comparingDouble((ComplementView c) -> -c.weight()).thenComparing(ComplementView::entity);

  /** The complement {@code from} → {@code to}, if the view has it. */
  public Optional<ComplementView> complement(String from, String to) {
    EntityState state = entities.get(from);
    if (state == null) {
      return Optional.empty();
    }
    for (ComplementView c : state.complements) {
      if (c.entity().equals(to)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

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

  /** Multi-channel recall for a user from their whole history. */
  public List<Candidate> recall(String userId, RecallOptions options, int maxCandidates) {
    UserState user = users.get(userId);
    if (user == null) {
      return List.of();
    }
    return recall(recentItems(user.lines, user.lines.size(), options.historyItems()), user.boughtIndexes, options,
        maxCandidates, -1, null, true);
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
    return recall(triggers, indexesOf(exclude), options, maxCandidates, -1, null, true);
  }

  /** The indexes of the known items among {@code itemIds}. */
  private BitSet indexesOf(Set<String> itemIds) {
    BitSet out = new BitSet(itemsByIndex.size());
    for (String id : itemIds) {
      ItemState item = items.get(id);
      if (item != null) {
        out.set(item.index);
      }
    }
    return out;
  }

  /** A recall trigger: a recently bought item and its recency weight. */
  private record Trigger(String itemId, double recency) {
  }

  /**
   * The last {@code limit} distinct items before {@code end}, most recent first, weighted 1/(r+1) where r ranks
   * bills by recency: all lines of one bill share a rank.
   */
  private static List<Trigger> recentItems(List<Line> lines, int end, int limit) {
    LinkedHashMap<String, Double> recent = new LinkedHashMap<>();
    int billRank = -1;
    String bill = null;
    for (int i = end - 1; i >= 0 && recent.size() < limit; i--) {
      Line line = lines.get(i);
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
   * What one recall gathered about one item. Reused from recall to recall ({@link Pool}); the explanations are kept as
   * their parts and made into {@link Because} objects only for the candidates kept.
   */
  private static final class Accumulator {
    final ItemState item;
    int generation;
    EntityState target;
    double maxWeight;
    double maxConfidence;
    double triggerRecency;
    int triggers;
    double complement;
    double triggerBest;
    double bestPath;
    ItemState becauseTrigger;
    String becauseTriggerEntity;
    ComplementView becauseEdge;
    String lastComplementTrigger;
    double cooc;
    double coocMax;
    double bestCooc;
    ItemState coocTrigger;
    double coocCosine;
    double knn;
    double knnMax;
    double bestKnn;
    ItemState knnTrigger;
    double knnCosine;
    double title;
    double bestTitle;
    ItemState titleTrigger;
    double titleCosine;
    double sameEntity;
    double sameEntityShare;
    String lastSameTrigger;
    ItemState sameTrigger;
    String sameName;
    EntityState main;
    float share;
    float popularity;
    float recent;
    double complementScore;
    double base;
    int keptAt;

    Accumulator(ItemState item) {
      this.item = item;
    }

    void reset(int generation) {
      this.generation = generation;
      target = null;
      maxWeight = 0;
      maxConfidence = 0;
      triggerRecency = 0;
      triggers = 0;
      complement = 0;
      triggerBest = 0;
      bestPath = -1;
      becauseTrigger = null;
      becauseTriggerEntity = null;
      becauseEdge = null;
      lastComplementTrigger = null;
      cooc = 0;
      coocMax = 0;
      bestCooc = -1;
      coocTrigger = null;
      coocCosine = 0;
      knn = 0;
      knnMax = 0;
      bestKnn = -1;
      knnTrigger = null;
      knnCosine = 0;
      title = 0;
      bestTitle = -1;
      titleTrigger = null;
      titleCosine = 0;
      sameEntity = 0;
      sameEntityShare = 0;
      lastSameTrigger = null;
      sameTrigger = null;
      sameName = null;
    }
  }

  private List<Candidate> recall(List<Trigger> triggers, BitSet exclude, RecallOptions options,
                                 int maxCandidates, int withoutBill, Set<String> withoutCustomer,
                                 boolean newItemsByTitle) {
    refreshPopularity();
    Pool acc = pool.begin(itemsByIndex.size());
    for (Trigger t : triggers) {
      ItemState trigger = items.get(t.itemId());
      if (trigger == null) {
        continue;
      }
      double recency = t.recency();
      complementChannel(trigger, recency, exclude, options, acc);
      alsoBoughtChannel(trigger, recency, exclude, options, acc, withoutBill);
      similarCustomersChannel(trigger, recency, exclude, options, acc, withoutCustomer);
      sameEntityChannel(trigger, recency, exclude, options, acc);
      if (newItemsByTitle) {
        similarTitleChannel(trigger, recency, exclude, options, acc);
      }
    }
    int popular = 0;
    for (List<ItemState> list : List.of(byPopularity, byRecentPopularity)) {
      popular = 0;
      for (ItemState item : list) {
        if (popular >= options.popularCandidates()) {
          break;
        }
        if (!exclude.get(item.index)) {
          acc.of(item);
          popular++;
        }
      }
    }
    return candidates(acc.touched, maxCandidates, options.newItemMaxSales());
  }

  /**
   * The {@code max} strongest of one recall's items as candidates: scored all, then features, explanations and
   * candidate objects made for the kept ones only. Relative and rank features still compare against every item
   * the recall touched.
   */
  private List<Candidate> candidates(List<Accumulator> touched, int max, int newItemMaxSales) {
    float maxCooc = 0;
    float maxComplement = 0;
    float maxSame = 0;
    float maxKnn = 0;
    float maxTitle = 0;
    for (Accumulator a : touched) {
      score(a);
      maxCooc = Math.max(maxCooc, (float) a.cooc);
      maxComplement = Math.max(maxComplement, (float) a.complementScore);
      maxSame = Math.max(maxSame, (float) a.sameEntityShare);
      maxKnn = Math.max(maxKnn, (float) a.knn);
      maxTitle = Math.max(maxTitle, (float) a.title);
    }
    List<Accumulator> kept = strongest(touched, max);
    List<Candidate> out = new ArrayList<>(kept.size());
    for (int i = 0; i < kept.size(); i++) {
      Accumulator a = kept.get(i);
      a.keptAt = i;
      Candidate c = candidate(a, newItemMaxSales);
      float[] f = c.features();
      relative(f, Features.COOC_SCORE, Features.COOC_RELATIVE, maxCooc);
      relative(f, Features.COMPLEMENT_SCORE, Features.COMPLEMENT_RELATIVE, maxComplement);
      relative(f, Features.SAME_ENTITY, Features.SAME_ENTITY_RELATIVE, maxSame);
      relative(f, Features.KNN_SCORE, Features.KNN_RELATIVE, maxKnn);
      relative(f, Features.TITLE_SIMILARITY, Features.TITLE_RELATIVE, maxTitle);
      out.add(c);
    }
    int[] order = idOrder();
    rankAmongAll(touched, order, a -> (float) a.cooc, Features.COOC_RANK, out);
    rankAmongAll(touched, order, a -> (float) a.complementScore, Features.COMPLEMENT_RANK, out);
    rankAmongAll(touched, order, a -> (float) a.sameEntityShare, Features.SAME_ENTITY_RANK, out);
    rankAmongAll(touched, order, a -> a.recent, Features.RECENT_POPULARITY_RANK, out);
    return out;
  }

  /** Sets {@code to} to {@code from} divided by its largest value among one user's candidates. */
  private static void relative(float[] f, int from, int to, float strongest) {
    if (strongest > 0) {
      f[to] = f[from] / strongest;
    }
  }

  /** The base score, and the sales values it rests on, of one recalled item. */
  private static void score(Accumulator a) {
    a.main = a.target != null ? a.target : a.item.mainEntityState();
    a.share = itemShare(a.item, a.main);
    a.popularity = itemPopularity(a.item, a.main);
    a.recent = recentPopularity(a.item, a.main);
    a.complementScore = a.complement * a.share;
    a.base = a.complementScore + a.cooc + a.knn + 0.3 * a.sameEntity + a.title + 1e-4 * a.popularity;
    a.keptAt = -1;
  }

  private interface FeatureOf {
    float of(Accumulator a);
  }

  /**
   * Sets {@code to} of each kept candidate to 1 / (1 + rank by {@code value} among all the items the recall touched,
   * ties by item id), 0 where the value is 0. Sorts primitive keys (value bits, then the item id's position among all
   * ids), so ties need no string comparison.
   */
  private void rankAmongAll(List<Accumulator> touched, int[] order, FeatureOf value, int to, List<Candidate> kept) {
    if (keyScratch.length < touched.size()) {
      keyScratch = new long[Math.max(touched.size(), keyScratch.length * 2)];
    }
    long[] keys = keyScratch;
    int[] position = positionScratch;
    int n = 0;
    for (int i = 0; i < touched.size(); i++) {
      Accumulator a = touched.get(i);
      float v = value.of(a);
      if (v > 0) {
        int ordinal = order[a.item.index];
        keys[n++] = ((long) (Integer.MAX_VALUE - Float.floatToIntBits(v)) << 32) | ordinal;
        position[ordinal] = i;
      }
    }
    Arrays.sort(keys, 0, n);
    for (int r = 0; r < n; r++) {
      Accumulator a = touched.get(position[(int) keys[r]]);
      if (a.keptAt >= 0) {
        kept.get(a.keptAt).features()[to] = 1f / (1 + r);
      }
    }
  }

  private static final Comparator<Accumulator> STRONGEST_FIRST =
      Comparator.comparingDouble((Accumulator a) -> -a.base).thenComparing(a -> a.item.itemId);

  /**
   * The {@code max} items of highest base score (ties by item id), in that order: the same as sorting all and
   * keeping the first {@code max}, but only the kept ones are sorted by the full comparator.
   */
  private List<Accumulator> strongest(List<Accumulator> touched, int max) {
    if (touched.size() > max && max > 0) {
      if (scoreScratch.length < touched.size()) {
        scoreScratch = new double[Math.max(touched.size(), scoreScratch.length * 2)];
      }
      double[] scores = scoreScratch;
      for (int i = 0; i < touched.size(); i++) {
        scores[i] = touched.get(i).base;
      }
      double threshold = select(scores, touched.size(), touched.size() - max);
      List<Accumulator> kept = new ArrayList<>(max + 16);
      for (Accumulator a : touched) {
        if (Double.compare(a.base, threshold) >= 0) {
          kept.add(a);
        }
      }
      kept.sort(STRONGEST_FIRST);
      return kept.subList(0, max);
    }
    List<Accumulator> all = new ArrayList<>(touched);
    all.sort(STRONGEST_FIRST);
    return all.size() > max ? all.subList(0, max) : all;
  }

  /**
   * The value at position {@code k} of the first {@code size} {@code values} in ascending order (quickselect; reorders
   * them).
   */
  private static double select(double[] values, int size, int k) {
    int lo = 0;
    int hi = size - 1;
    while (lo < hi) {
      double pivot = values[(lo + hi) >>> 1];
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (Double.compare(values[i], pivot) < 0) {
          i++;
        }
        while (Double.compare(values[j], pivot) > 0) {
          j--;
        }
        if (i <= j) {
          double t = values[i];
          values[i] = values[j];
          values[j] = t;
          i++;
          j--;
        }
      }
      if (k <= j) {
        hi = j;
      } else if (k >= i) {
        lo = i;
      } else {
        return values[k];
      }
    }
    return values[k];
  }

  /**
   * The accumulators of the recall under way, indexed by item index, in the order first touched. One pool serves
   * every recall of the view (recall runs on one thread): an accumulator from an earlier recall is reset when first
   * touched again.
   */
  private static final class Pool {
    Accumulator[] byIndex = new Accumulator[0];
    final List<Accumulator> touched = new ArrayList<>();
    int generation;

    Pool begin(int items) {
      if (byIndex.length < items) {
        byIndex = Arrays.copyOf(byIndex, Math.max(items, byIndex.length * 2));
      }
      touched.clear();
      generation++;
      return this;
    }

    Accumulator of(ItemState item) {
      Accumulator a = byIndex[item.index];
      if (a == null) {
        a = new Accumulator(item);
        byIndex[item.index] = a;
      }
      if (a.generation != generation) {
        a.reset(generation);
        touched.add(a);
      }
      return a;
    }
  }

  /**
   * Sets {@code to} to 1 / (1 + rank by {@code from} among one user's candidates, ties by item id), 0 where
   * {@code from} is 0. Sorts primitive keys (value bits, then the item id's position among all ids), so ties need no
   * string comparison.
   */
  private void reciprocalRank(List<Candidate> candidates, int[] ordinals, int from, int to) {
    long[] keys = new long[candidates.size()];
    int[] position = positionScratch;
    int n = 0;
    for (int i = 0; i < candidates.size(); i++) {
      float[] f = candidates.get(i).features();
      f[to] = 0;
      if (f[from] > 0) {
        keys[n++] = ((long) (Integer.MAX_VALUE - Float.floatToIntBits(f[from])) << 32) | ordinals[i];
        position[ordinals[i]] = i;
      }
    }
    Arrays.sort(keys, 0, n);
    for (int r = 0; r < n; r++) {
      candidates.get(position[(int) keys[r]]).features()[to] = 1f / (1 + r);
    }
  }

  /** Each candidate's item id position among all item ids (see {@link #idOrder()}). */
  private int[] ordinals(List<Candidate> candidates) {
    int[] order = idOrder();
    int[] out = new int[candidates.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = order[items.get(candidates.get(i).itemId()).index];
    }
    return out;
  }

  private void complementChannel(ItemState trigger, double recency, BitSet exclude, RecallOptions options,
                                 Pool acc) {
    for (int e = 0; e < trigger.entities.size(); e++) {
      String triggerEntity = trigger.entities.get(e);
      EntityState from = trigger.entityStates.get(e);
      int edges = Math.min(options.complementsPerEntity(), from.complements.size());
      for (int c = 0; c < edges; c++) {
        ComplementView edge = from.complements.get(c);
        EntityState target = from.complementTargets.get(c);
        int popular = 0;
        int fresh = 0;
        for (ItemState candidate : target.itemsByPopularity()) {
          if (popular >= options.itemsPerEntity() && fresh >= options.newItemsPerEntity()) {
            break;
          }
          boolean isNew = candidate.purchases <= options.newItemMaxSales();
          if (isNew ? fresh++ >= options.newItemsPerEntity() : popular++ >= options.itemsPerEntity()) {
            continue;
          }
          if (exclude.get(candidate.index)) {
            continue;
          }
          Accumulator a = acc.of(candidate);
          double path = recency * edge.weight();
          a.maxWeight = Math.max(a.maxWeight, edge.weight());
          a.maxConfidence = Math.max(a.maxConfidence, edge.confidence());
          if (!trigger.itemId.equals(a.lastComplementTrigger)) {
            a.triggerRecency += recency;
            a.triggers++;
            a.lastComplementTrigger = trigger.itemId;
            a.triggerBest = 0;
          }
          if (path > a.triggerBest) {
            a.complement += path - a.triggerBest;
            a.triggerBest = path;
          }
          if (path > a.bestPath) {
            a.bestPath = path;
            a.target = target;
            a.becauseTrigger = trigger;
            a.becauseTriggerEntity = triggerEntity;
            a.becauseEdge = edge;
          }
        }
      }
    }
  }

  private void alsoBoughtChannel(ItemState trigger, double recency, BitSet exclude, RecallOptions options,
                                 Pool acc, int withoutBill) {
    if (options.alsoBoughtPerItem() == 0) {
      return;
    }
    for (Neighbour n : bills.neighbours(trigger.index, options.alsoBoughtPerItem(), withoutBill, byItemId)) {
      ItemState item = itemsByIndex.get(n.item());
      if (exclude.get(item.index)) {
        continue;
      }
      Accumulator a = acc.of(item);
      double path = recency * n.cosine();
      a.cooc += path;
      a.coocMax = Math.max(a.coocMax, n.cosine());
      if (path > a.bestCooc) {
        a.bestCooc = path;
        a.coocTrigger = trigger;
        a.coocCosine = n.cosine();
      }
    }
  }

  /**
   * Item-KNN over customers. {@code withoutCustomer}, when given, is everything one customer bought: their own row
   * is taken out of every similarity (for training samples, whose labels would otherwise explain themselves).
   */
  private void similarCustomersChannel(ItemState trigger, double recency, BitSet exclude,
                                       RecallOptions options, Pool acc,
                                       Set<String> withoutCustomer) {
    if (options.similarCustomersPerItem() == 0) {
      return;
    }
    for (Neighbour n : buyers.neighbours(trigger.index, options.similarCustomersPerItem(), -1, byItemId)) {
      ItemState item = itemsByIndex.get(n.item());
      if (exclude.get(item.index)) {
        continue;
      }
      double cosine = withoutCustomer == null ? n.cosine()
          : withoutOneCustomer(n.cosine(), buyers.groups(trigger.index), buyers.groups(n.item()),
              withoutCustomer.contains(item.itemId));
      if (cosine <= 0) {
        continue;
      }
      Accumulator a = acc.of(item);
      double path = recency * cosine;
      a.knn += path;
      a.knnMax = Math.max(a.knnMax, cosine);
      if (path > a.bestKnn) {
        a.bestKnn = path;
        a.knnTrigger = trigger;
        a.knnCosine = cosine;
      }
    }
  }

  /**
   * The cosine of two items over customers once one customer who bought the first is taken out:
   * co-buyers and both counts drop by one when that customer also bought the second.
   */
  private static double withoutOneCustomer(double cosine, int first, int second, boolean boughtSecond) {
    double co = Math.round(cosine * Math.sqrt((double) first * second));
    int firstAfter = first - 1;
    int secondAfter = boughtSecond ? second - 1 : second;
    double coAfter = boughtSecond ? co - 1 : co;
    return firstAfter <= 0 || secondAfter <= 0 ? 0 : coAfter / Math.sqrt((double) firstAfter * secondAfter);
  }

  private final Comparator<Neighbour> byItemId = (a, b) -> {
    int[] order = idOrder();
    return Integer.compare(order[a.item()], order[b.item()]);
  };

  /**
   * Cold start beside the entity graph: new items (sold at most {@code newItemMaxSales} times) whose titles are most
   * similar to a recent item's, up to {@code similarTitlesPerItem} per trigger.
   */
  private void similarTitleChannel(ItemState trigger, double recency, BitSet exclude, RecallOptions options,
                                   Pool acc) {
    if (options.similarTitlesPerItem() == 0) {
      return;
    }
    List<Neighbour> similar = new ArrayList<>();
    titles.forEachSimilar(trigger.index, index -> {
      ItemState other = itemsByIndex.get(index);
      return other.purchases <= options.newItemMaxSales() && !exclude.get(index);
    }, (index, cosine) -> similar.add(new Neighbour(index, cosine)));
    similar.sort(Comparator.comparingDouble((Neighbour n) -> -n.cosine()).thenComparing(byItemId));
    for (Neighbour n : similar.subList(0, Math.min(options.similarTitlesPerItem(), similar.size()))) {
      ItemState item = itemsByIndex.get(n.item());
      Accumulator a = acc.of(item);
      double path = recency * n.cosine();
      a.title += path;
      if (path > a.bestTitle) {
        a.bestTitle = path;
        a.titleTrigger = trigger;
        a.titleCosine = n.cosine();
      }
    }
  }

  private void sameEntityChannel(ItemState trigger, double recency, BitSet exclude, RecallOptions options,
                                 Pool acc) {
    for (int e = 0; e < trigger.entities.size(); e++) {
      String name = trigger.entities.get(e);
      EntityState entity = trigger.entityStates.get(e);
      if (entity.repeatRate <= 0) {
        continue;
      }
      int popular = 0;
      int fresh = 0;
      for (ItemState candidate : entity.itemsByPopularity()) {
        if (popular >= options.itemsPerEntity() && fresh >= options.newItemsPerEntity()) {
          break;
        }
        boolean isNew = candidate.purchases <= options.newItemMaxSales();
        if (isNew ? fresh++ >= options.newItemsPerEntity() : popular++ >= options.itemsPerEntity()) {
          continue;
        }
        if (candidate == trigger || exclude.get(candidate.index)) {
          continue;
        }
        Accumulator a = acc.of(candidate);
        if (!trigger.itemId.equals(a.lastSameTrigger)) {
          a.lastSameTrigger = trigger.itemId;
          double path = recency * share(candidate, entity);
          a.sameEntityShare += path;
          a.sameEntity += path * entity.repeatRate;
          if (a.sameTrigger == null) {
            a.sameTrigger = trigger;
            a.sameName = name;
          }
        }
      }
    }
  }

  /** A scored item (see {@link #score}) as a candidate, with its features and explanation. */
  private static Candidate candidate(Accumulator a, int newItemMaxSales) {
    float[] f = baseFeatures(a.item, a.main, a.popularity, a.recent, a.share);
    double complement = a.complementScore;
    f[Features.EDGE_WEIGHT] = (float) a.maxWeight;
    f[Features.EDGE_CONFIDENCE] = (float) a.maxConfidence;
    f[Features.TRIGGER_RECENCY] = (float) a.triggerRecency;
    f[Features.TRIGGER_COUNT] = (float) Math.log1p(a.triggers);
    f[Features.COMPLEMENT_SCORE] = (float) complement;
    f[Features.COOC_SCORE] = (float) a.cooc;
    f[Features.COOC_MAX] = (float) a.coocMax;
    f[Features.SAME_ENTITY] = (float) a.sameEntityShare;
    f[Features.KNN_SCORE] = (float) a.knn;
    f[Features.KNN_MAX] = (float) a.knnMax;
    f[Features.TITLE_SIMILARITY] = (float) a.title;
    String channel;
    Because because;
    if (complement > 0 && complement >= a.cooc && complement >= a.sameEntity) {
      channel = CHANNEL_COMPLEMENT;
      because = null;
    } else if (a.cooc > 0 && a.cooc >= a.sameEntity && a.cooc >= a.knn) {
      channel = CHANNEL_ALSO_BOUGHT;
      because = because(a.coocTrigger, a.item, a.coocCosine);
    } else if (a.knn > 0 && a.knn >= a.sameEntity) {
      channel = CHANNEL_SIMILAR_CUSTOMERS;
      because = because(a.knnTrigger, a.item, a.knnCosine);
    } else if (a.title > 0 && a.title >= a.sameEntity) {
      channel = CHANNEL_SIMILAR_TITLE;
      because = because(a.titleTrigger, a.item, a.titleCosine);
    } else if (a.sameEntity > 0) {
      channel = CHANNEL_SAME_ENTITY;
      because = a.sameTrigger == null ? null : new Because(a.sameTrigger.itemId, a.sameName, a.sameName, 1.0);
    } else {
      channel = CHANNEL_POPULAR;
      because = null;
    }
    if (a.becauseEdge != null) {
      because = new Because(a.becauseTrigger.itemId, a.becauseTriggerEntity, a.becauseEdge.entity(),
          a.becauseEdge.weight());
    }
    return new Candidate(a.item.itemId, a.item.title, channel, f, a.base, because,
        a.item.purchases <= newItemMaxSales);
  }

  /** A co-purchase, similar-customer or similar-title explanation: from the trigger's main entity to the item's. */
  private static Because because(ItemState trigger, ItemState item, double cosine) {
    return trigger == null ? null : new Because(trigger.itemId, trigger.mainEntity(), item.mainEntity(), cosine);
  }

  private static float[] baseFeatures(ItemState item, EntityState entity) {
    return baseFeatures(item, entity, itemPopularity(item, entity), recentPopularity(item, entity),
        itemShare(item, entity));
  }

  private static float[] baseFeatures(ItemState item, EntityState entity, float popularity, float recent,
                                      float share) {
    float[] f = new float[Features.SIZE];
    f[Features.ITEM_POPULARITY] = popularity;
    f[Features.RECENT_POPULARITY] = recent;
    f[Features.ITEM_SHARE] = share;
    f[Features.ENTITY_POPULARITY] = entity == null ? 0f : entity.logPurchases.of(entity.purchases);
    f[Features.REPEAT_RATE] = entity == null ? 0f : (float) entity.repeatRate;
    f[Features.PRICE] = item.logPrice;
    return f;
  }

  /** A never-sold item is credited with its entity's average: sales per item. */
  private static boolean creditedWithEntity(ItemState item, EntityState entity) {
    return item.purchases == 0 && entity != null && !entity.items.isEmpty();
  }

  private static float itemPopularity(ItemState item, EntityState entity) {
    return creditedWithEntity(item, entity)
        ? (float) Math.log1p((double) entity.purchases / entity.items.size())
        : item.logPurchases.of(item.purchases);
  }

  private static float recentPopularity(ItemState item, EntityState entity) {
    return creditedWithEntity(item, entity)
        ? (float) Math.log1p(Math.max(0, (double) entity.recentPurchases / entity.items.size()))
        : item.logRecent.of(Math.max(0, item.recentPurchases));
  }

  private static float itemShare(ItemState item, EntityState entity) {
    return creditedWithEntity(item, entity) ? (float) (1.0 / entity.items.size()) : (float) share(item, entity);
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

  private void refreshPopularity() {
    if (!recentComputed || purchasesSinceRecent >= RECENT_REFRESH_PURCHASES) {
      for (ItemState item : itemsByIndex) {
        item.recentPurchases = 0;
      }
      long from = latestTs - RECENT_WINDOW_MS;
      for (int i = 0; i < purchaseItems.size; i++) {
        if (purchaseTimes[i] >= from) {
          itemsByIndex.get(purchaseItems.values[i]).recentPurchases++;
        }
      }
      for (EntityState entity : entities.values()) {
        entity.recentPurchases = 0;
        for (ItemState item : entity.items) {
          entity.recentPurchases += item.recentPurchases;
        }
      }
      List<ItemState> recent = new ArrayList<>(itemsByIndex);
      recent.removeIf(i -> i.recentPurchases == 0);
      recent.sort(Comparator.comparingLong((ItemState i) -> -i.recentPurchases).thenComparing(i -> i.itemId));
      byRecentPopularity = recent;
      refreshRepeatRates();
      recentComputed = true;
      purchasesSinceRecent = 0;
    }
    if (popularityDirty) {
      List<ItemState> sorted = new ArrayList<>(itemsByIndex);
      sorted.sort(BY_SALES);
      for (int i = 0; i < sorted.size(); i++) {
        sorted.get(i).popularityPosition = i;
      }
      byPopularity = sorted;
      popularityDirty = false;
    }
  }

  /**
   * For each entity, the share of its buyers who bought two or more distinct items of it: how much it is a repeat
   * need (t-light holders in every colour) rather than a one-off whose other items are substitutes (a tent).
   * Smoothed towards zero by one buyer, so an entity nobody has bought twice recalls no more of itself. The counts
   * are kept purchase by purchase and recounted only after a sold item's entities changed.
   */
  private void refreshRepeatRates() {
    if (repeatCountsDirty) {
      entities.values().forEach(entity -> {
        entity.buyers = 0;
        entity.repeaters = 0;
      });
      for (UserState user : users.values()) {
        user.itemsPerEntity.clear();
        for (String itemId : user.bought) {
          user.countEntities(items.get(itemId));
        }
      }
      repeatCountsDirty = false;
    }
    for (EntityState entity : entities.values()) {
      entity.repeatRate = entity.repeaters / (entity.buyers + 1.0);
    }
  }

  /** The k most sold items not bought by the user (any user when null) and not in {@code alsoExclude}. */
  public List<Candidate> popular(String userId, int k, Set<String> alsoExclude) {
    refreshPopularity();
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
      EntityState main = item.mainEntityState();
      out.add(new Candidate(item.itemId, item.title, CHANNEL_POPULAR, baseFeatures(item, main),
          Math.log1p(item.purchases), null, item.purchases == 0));
    }
    return out;
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
    List<String> eligible = new ArrayList<>();
    for (Map.Entry<String, UserState> e : users.entrySet()) {
      List<Line> lines = e.getValue().lines;
      if (!lines.isEmpty() && lastBillStart(lines) > 0) {
        eligible.add(e.getKey());
      }
    }
    Collections.sort(eligible);
    Collections.shuffle(eligible, new Random(seed));
    return new TrainingSetBuilder(eligible.subList(0, Math.min(maxUsers, eligible.size())), options, identities,
        maxCandidates);
  }

  /** Builds a {@link TrainingSet} in steps; see {@link #trainingSetBuilder}. */
  public final class TrainingSetBuilder {
    private final List<String> sampled;
    private final RecallOptions options;
    private final int maxCandidates;
    private final boolean identities;
    private final List<float[]> features = new ArrayList<>();
    private final List<Float> labels = new ArrayList<>();
    private final List<Integer> groups = new ArrayList<>();
    private final List<CandidateIds> ids = new ArrayList<>();
    private int next;
    private int group;

    private TrainingSetBuilder(List<String> sampled, RecallOptions options, boolean identities, int maxCandidates) {
      this.sampled = sampled;
      this.options = options;
      this.identities = identities;
      this.maxCandidates = maxCandidates;
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
      return new TrainingSet(features.toArray(float[][]::new), y,
          groups.stream().mapToInt(Integer::intValue).toArray(),
          identities ? ids.toArray(CandidateIds[]::new) : null,
          identities ? entityViews(VIEW_LINKS_PER_ENTITY) : null);
    }

    private void addUser(String userId) {
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
        return;
      }
      int lastBill = bills.group(lines.get(lines.size() - 1).basketKey());
      Map<String, Integer> labelBill = new HashMap<>();
      for (int i = start; i < lines.size(); i++) {
        labelBill.merge(lines.get(i).itemId(), 1, Integer::sum);
      }
      boolean billIsRecent = lines.get(lines.size() - 1).tsMillis() >= latestTs - RECENT_WINDOW_MS;
      List<Candidate> candidates = new ArrayList<>(recall(recentItems(lines, start, options.historyItems()),
          indexesOf(before), options, maxCandidates, lastBill, users.get(userId).bought, false));
      candidates.removeIf(Candidate::fresh);
      for (Candidate c : candidates) {
        Integer own = labelBill.get(c.itemId());
        if (own != null) {
          withoutLabelBill(c.features(), items.get(c.itemId()), own, billIsRecent);
        }
      }
      reciprocalRank(candidates, ordinals(candidates), Features.RECENT_POPULARITY, Features.RECENT_POPULARITY_RANK);
      for (Candidate c : candidates) {
        features.add(c.features());
        labels.add(targets.contains(c.itemId()) ? 1f : 0f);
        groups.add(group);
        if (identities) {
          ids.add(CandidateIds.of(c));
        }
      }
      group++;
    }
  }

  /** Sales features as they were before the label bill, so that positives do not carry their own purchase. */
  private static void withoutLabelBill(float[] f, ItemState item, int lines, boolean recent) {
    f[Features.ITEM_POPULARITY] = (float) Math.log1p(Math.max(0, item.purchases - lines));
    if (recent) {
      f[Features.RECENT_POPULARITY] = (float) Math.log1p(Math.max(0, item.recentPurchases - lines));
    }
  }

  private static int lastBillStart(List<Line> lines) {
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
  public EntityViews entityViews(int perEntity) {
    List<EntityLink> complements = new ArrayList<>();
    List<EntityLink> coPurchases = new ArrayList<>();
    List<String> names = new ArrayList<>(entities.keySet());
    Collections.sort(names);
    for (String name : names) {
      EntityState entity = entities.get(name);
      entity.complements.stream()
          .sorted(Comparator.comparingDouble((ComplementView c) -> -c.weight()).thenComparing(ComplementView::entity))
          .limit(perEntity)
          .forEach(c -> complements.add(new EntityLink(name, c.entity(), c.weight())));
      Map<String, Double> together = new HashMap<>();
      List<ItemState> sold = entity.itemsByPopularity();
      for (int i = 0; i < Math.min(VIEW_ITEMS_PER_ENTITY, sold.size()) && sold.get(i).purchases > 0; i++) {
        for (Neighbour n : bills.neighbours(sold.get(i).index, VIEW_NEIGHBOURS_PER_ITEM, -1, byItemId)) {
          String other = itemsByIndex.get(n.item()).mainEntity();
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

  /** Counts for health and metrics. */
  public Map<String, Long> counts() {
    return Map.of("items", (long) items.size(), "entities", (long) entities.size(), "users", (long) users.size(),
        "purchases", purchases, "complements", complementEdges, "bills", (long) bills.size());
  }
}

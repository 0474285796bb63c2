package io.kerec.graph.recall;

import io.kerec.bus.Complement;
import io.kerec.bus.ComplementView;
import io.kerec.bus.ItemEntities;
import io.kerec.bus.ItemView;
import io.kerec.bus.PurchaseFact;
import io.kerec.graph.recall.CoOccurrence.IntList;
import io.kerec.graph.recall.CoOccurrence.Neighbour;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What recall knows, kept current event by event: items and their entities, complementary edges by weight, bills
 * and customers (for the co-purchase channels), titles, sales counts (all time and over the last 30 days) and users'
 * purchase histories; and what is derived from them lazily: the orders by sales and by recent sales, each entity's
 * repeat rate, the order of item ids. The channels and the features read it; only its own methods change it.
 */
final class RecallState {
  /** The window of "recent" sales. */
  static final long RECENT_WINDOW_MS = 30L * 24 * 3600 * 1000;
  private static final int RECENT_REFRESH_PURCHASES = 1_000;
  private static final Comparator<ComplementView> BY_WEIGHT =
      Comparator.comparingDouble((ComplementView c) -> -c.weight()).thenComparing(ComplementView::entity);

  private final Map<String, ItemState> items = new HashMap<>();
  private final List<ItemState> itemsByIndex = new ArrayList<>();
  private final Map<String, EntityState> entities = new HashMap<>();
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
  private int purchasesSinceRecent;
  private boolean recentComputed;
  private boolean repeatCountsDirty;
  private long latestTs = Long.MIN_VALUE;
  private long purchases;
  private long complementEdges;
  /** Ties of neighbours broken by item id (see {@link #idOrder()}). */
  private final Comparator<Neighbour> byItemId = (a, b) -> {
    int[] order = idOrder();
    return Integer.compare(order[a.item()], order[b.item()]);
  };

  /** Adds or replaces an item and its entities. */
  void putItem(ItemEntities item) {
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
    if (item.listedAt() != null) {
      state.listedTs = item.listedAt().toEpochMilli();
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
  void addPurchase(PurchaseFact purchase) {
    ItemState item = items.get(purchase.itemId());
    if (item == null) {
      return;
    }
    item.purchases++;
    item.firstSoldTs = Math.min(item.firstSoldTs, purchase.tsMillis());
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
    user.lines.add(new UserState.Line(purchase.itemId(), purchase.basketKey(), purchase.tsMillis()));
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
    while (at > 0 && ItemState.BY_SALES.compare(item, list.get(at - 1)) < 0) {
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

  /** The position of the item's id among all item ids in their natural order, by item index. */
  int[] idOrder() {
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
      idOrderDirty = false;
    }
    return idOrder;
  }

  /** Orders neighbours of equal cosine by item id. */
  Comparator<Neighbour> byItemId() {
    return byItemId;
  }

  /** Adds or replaces a complementary edge. */
  void putComplement(Complement edge) {
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

  /** The complement {@code from} → {@code to}, if known. */
  Optional<ComplementView> complement(String from, String to) {
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
  List<ComplementView> complements(String entity, int k) {
    EntityState state = entities.get(entity);
    if (state == null) {
      return List.of();
    }
    return List.copyOf(state.complements.subList(0, Math.min(k, state.complements.size())));
  }

  /** One item with its entities and sales. */
  Optional<ItemView> itemView(String itemId) {
    ItemState s = items.get(itemId);
    return s == null ? Optional.empty()
        : Optional.of(new ItemView(s.itemId, s.title, s.price, s.category, s.entities, s.purchases,
            s.listedTs == Long.MAX_VALUE ? null : Instant.ofEpochMilli(s.listedTs)));
  }

  /** The item of that id, or null. */
  ItemState item(String itemId) {
    return items.get(itemId);
  }

  /** The item of that index. */
  ItemState item(int index) {
    return itemsByIndex.get(index);
  }

  /** How many items there are: item indexes run from 0 to this, excluded. */
  int itemCount() {
    return itemsByIndex.size();
  }

  /** The entity of that name, or null. */
  EntityState entity(String name) {
    return entities.get(name);
  }

  /** The names of all entities (a live view). */
  Set<String> entityNames() {
    return entities.keySet();
  }

  /** The user of that id, or null. */
  UserState user(String userId) {
    return users.get(userId);
  }

  /** All users by id (a live view). */
  Map<String, UserState> users() {
    return users;
  }

  /** Whether the user has bought anything. */
  boolean knownUser(String userId) {
    UserState user = users.get(userId);
    return user != null && !user.lines.isEmpty();
  }

  /** Items by the bills that hold them ("also bought"). */
  CoOccurrence bills() {
    return bills;
  }

  /** Items by the customers who bought them ("similar customers"). */
  CoOccurrence buyers() {
    return buyers;
  }

  /** Items by the words of their titles ("similar title"). */
  TitleIndex titles() {
    return titles;
  }

  /**
   * The start (ms) of the window, {@code days} long and ending at the latest purchase, in which a listed item counts
   * as new; the earliest instant while nothing was sold (every item is then new).
   */
  long listedSince(int days) {
    return latestTs == Long.MIN_VALUE ? Long.MIN_VALUE : latestTs - days * 24L * 3600 * 1000;
  }

  /** The start (ms) of the recent window: {@link #RECENT_WINDOW_MS} before the latest purchase. */
  long recentSince() {
    return latestTs - RECENT_WINDOW_MS;
  }

  /** The time of the latest purchase. */
  long latestTs() {
    return latestTs;
  }

  /** All items, most sold first (ties by item id), as of the last {@link #refreshPopularity}. */
  List<ItemState> byPopularity() {
    return byPopularity;
  }

  /** The items sold in the recent window, most first (ties by item id), as of the last {@link #refreshPopularity}. */
  List<ItemState> byRecentPopularity() {
    return byRecentPopularity;
  }

  /** The indexes of the known items among {@code itemIds}. */
  BitSet indexesOf(Collection<String> itemIds) {
    BitSet out = new BitSet(itemsByIndex.size());
    for (String id : itemIds) {
      ItemState item = items.get(id);
      if (item != null) {
        out.set(item.index);
      }
    }
    return out;
  }

  /**
   * Recomputes everything derived lazily from the purchases (recent sales, repeat rates, cached co-occurrence
   * neighbours), so that what recall answers is a function of the purchases applied, not of when recalls happened
   * between them: two views fed the same purchases answer alike once both settled.
   */
  void settle() {
    recentComputed = false;
    bills.clearCache();
    buyers.clearCache();
    refreshPopularity();
  }

  /**
   * Brings the derived sales data up to date before a recall: the recent sales and repeat rates (recounted every
   * {@value #RECENT_REFRESH_PURCHASES} purchases) and the order by sales (after the catalogue changed).
   */
  void refreshPopularity() {
    if (!recentComputed || purchasesSinceRecent >= RECENT_REFRESH_PURCHASES) {
      for (ItemState item : itemsByIndex) {
        item.recentPurchases = 0;
      }
      long from = recentSince();
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
      sorted.sort(ItemState.BY_SALES);
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

  /** Counts for health and metrics. */
  Map<String, Long> counts() {
    return Map.of("items", (long) items.size(), "entities", (long) entities.size(), "users", (long) users.size(),
        "purchases", purchases, "complements", complementEdges, "bills", (long) bills.size());
  }
}

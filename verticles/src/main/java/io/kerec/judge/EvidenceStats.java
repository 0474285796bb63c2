package io.kerec.judge;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Incremental co-purchase counters at entity level: how many baskets (bills) contain an entity, and how many contain
 * both entities of an unordered pair.
 *
 * <p>A basket may grow over several {@link #add} calls (the items of an invoice arrive one by one). Each entity is
 * counted once per basket, and each unordered pair of distinct entities once per basket: when an entity is new to a
 * basket it is co-counted with the entities already there.
 *
 * <p>Only the entity sets of the {@code maxOpenBaskets} most recently touched baskets are kept in memory. Evicting a
 * basket only stops it from growing: what it contributed stays counted, and later items for the same basket key are
 * ignored (counted in {@link #lateAdds()}), so a basket is never counted twice. To know that, a 64-bit fingerprint of
 * every evicted basket key is kept (about 12–17 bytes per evicted basket).
 *
 * <p>Memory: entity names are mapped to int ids; pair counts live in an open-addressing {@code long → int} map keyed
 * by {@code (lowId << 32) | highId} (about 12–17 bytes per distinct pair).
 *
 * <p><b>Not thread-safe.</b> Meant to be owned by one verticle and touched only from its context.
 */
public final class EvidenceStats {
  /** Default number of basket entity-sets kept in memory. */
  public static final int DEFAULT_MAX_OPEN_BASKETS = 10_000;

  private final int maxOpenBaskets;
  private final Map<String, Integer> ids = new HashMap<>();
  private final List<String> names = new ArrayList<>();
  private long[] entityBaskets = new long[1024];
  private final LongIntMap pairBaskets = new LongIntMap(1 << 16);
  private final LongIntMap closedBaskets = new LongIntMap(1 << 10);
  private final LinkedHashMap<String, Basket> open;
  private long baskets;
  private long lateAdds;

  /** Creates counters keeping at most {@link #DEFAULT_MAX_OPEN_BASKETS} open baskets. */
  public EvidenceStats() {
    this(DEFAULT_MAX_OPEN_BASKETS);
  }

  /** @param maxOpenBaskets how many basket entity-sets to keep in memory (LRU by last touch), at least 1 */
  public EvidenceStats(int maxOpenBaskets) {
    if (maxOpenBaskets < 1) {
      throw new IllegalArgumentException("maxOpenBaskets must be >= 1: " + maxOpenBaskets);
    }
    this.maxOpenBaskets = maxOpenBaskets;
    this.open = new LinkedHashMap<>(Math.min(maxOpenBaskets, 1 << 16) * 2, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Basket> eldest) {
        if (size() > EvidenceStats.this.maxOpenBaskets) {
          closedBaskets.put(fingerprint(eldest.getKey()), 1);
          return true;
        }
        return false;
      }
    };
  }

  /**
   * Adds entities to a basket, creating it on first use. Entities already in the basket are ignored.
   * An empty collection changes nothing (it does not create the basket).
   *
   * @param basketKey basket (invoice) identifier
   * @param entities entity names of the items added; none may be null or blank
   * @throws IllegalArgumentException when an entity name is null or blank (nothing is counted then)
   */
  public void add(String basketKey, Collection<String> entities) {
    Objects.requireNonNull(basketKey, "basketKey");
    Objects.requireNonNull(entities, "entities");
    if (entities.isEmpty()) {
      return;
    }
    for (String e : entities) {
      if (e == null || e.isBlank()) {
        throw new IllegalArgumentException("null or blank entity in basket " + basketKey + ": " + entities);
      }
    }
    Basket basket = open.get(basketKey);
    if (basket == null) {
      if (closedBaskets.containsKey(fingerprint(basketKey))) {
        lateAdds++;
        return;
      }
      basket = new Basket();
      open.put(basketKey, basket);
      baskets++;
    }
    for (String e : entities) {
      int id = idOf(e);
      if (basket.contains(id)) {
        continue;
      }
      int[] members = basket.members;
      for (int k = 0; k < basket.size; k++) {
        pairBaskets.addTo(pairKey(members[k], id), 1);
      }
      basket.add(id);
      entityBaskets[id]++;
    }
  }

  /** Convenience for {@link #add(String, Collection)} with one entity. */
  public void add(String basketKey, String entity) {
    add(basketKey, Collections.singletonList(entity));
  }

  /** @return number of baskets seen (with at least one entity) */
  public long baskets() {
    return baskets;
  }

  /** @return number of baskets containing {@code entity}; 0 for an unknown entity */
  public long basketsWith(String entity) {
    Integer id = ids.get(entity);
    return id == null ? 0 : entityBaskets[id];
  }

  /**
   * @return number of baskets containing both entities (symmetric); for {@code a.equals(b)} this is
   *     {@link #basketsWith(String) basketsWith(a)}; 0 when either is unknown
   */
  public long basketsWithBoth(String a, String b) {
    Integer ia = ids.get(a);
    Integer ib = ids.get(b);
    if (ia == null || ib == null) {
      return 0;
    }
    if (ia.intValue() == ib.intValue()) {
      return entityBaskets[ia];
    }
    return pairBaskets.get(pairKey(ia, ib));
  }

  /** @return all known entities by descending basket count, ties by name (deterministic); a new list */
  public List<String> byPopularity() {
    Integer[] order = new Integer[names.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> {
      int c = Long.compare(entityBaskets[y], entityBaskets[x]);
      return c != 0 ? c : names.get(x).compareTo(names.get(y));
    });
    List<String> result = new ArrayList<>(order.length);
    for (Integer id : order) {
      result.add(names.get(id));
    }
    return result;
  }

  /** @return number of distinct entities seen */
  public int entities() {
    return names.size();
  }

  /** @return number of distinct unordered entity pairs seen together at least once */
  public int pairs() {
    return pairBaskets.size();
  }

  /** @return number of basket entity-sets currently in memory (at most {@code maxOpenBaskets}) */
  public int openBaskets() {
    return open.size();
  }

  /** @return number of {@link #add} calls ignored because their basket had already been evicted */
  public long lateAdds() {
    return lateAdds;
  }

  /** @return the capacity given at construction */
  public int maxOpenBaskets() {
    return maxOpenBaskets;
  }

  private int idOf(String entity) {
    Integer id = ids.get(entity);
    if (id != null) {
      return id;
    }
    int newId = names.size();
    names.add(entity);
    ids.put(entity, newId);
    if (newId == entityBaskets.length) {
      entityBaskets = Arrays.copyOf(entityBaskets, newId * 2);
    }
    return newId;
  }

  private static long pairKey(int a, int b) {
    int lo = Math.min(a, b);
    int hi = Math.max(a, b);
    return ((long) lo << 32) | (hi & 0xffffffffL);
  }

  /** 64-bit FNV-1a over the UTF-8 bytes, then a MurmurHash3 finaliser. */
  private static long fingerprint(String key) {
    long h = 0xcbf29ce484222325L;
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  /** Entity ids of one open basket; linear search is fastest at the usual sizes (tens of entities). */
  private static final class Basket {
    int[] members = new int[8];
    int size;

    boolean contains(int id) {
      for (int k = 0; k < size; k++) {
        if (members[k] == id) {
          return true;
        }
      }
      return false;
    }

    void add(int id) {
      if (size == members.length) {
        members = Arrays.copyOf(members, size * 2);
      }
      members[size++] = id;
    }
  }
}

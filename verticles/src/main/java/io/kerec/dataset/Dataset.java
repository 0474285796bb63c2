package io.kerec.dataset;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A cleaned transactions data set: a catalog and the purchases, sorted by time.
 *
 * <p>{@code purchases} is sorted by {@link Purchase#ts()}; the sort is stable, so lines with the same
 * instant keep the order they had in the file (for Online Retail that is file order, because the file is
 * already in time order). The catalog is sorted by item id and may list items that no purchase refers to
 * (for example products that only guests bought); every item a purchase refers to is in the catalog.
 *
 * <p>{@code counts} says how the reader got there, in a stable key order: {@code rows} (data rows read,
 * header excluded), {@code kept}, one {@code dropped.<reason>} per cleaning rule, and format-specific
 * extras (see {@link OnlineRetail} and {@link GenericCsv}).
 *
 * @param format    {@link OnlineRetail#FORMAT} or {@link GenericCsv#FORMAT}; also the event-id prefix family
 * @param catalog   catalog items, sorted by item id, ids unique
 * @param purchases purchases sorted by timestamp (stable)
 * @param counts    row counts by name, insertion-ordered
 */
public record Dataset(String format, List<CatalogItem> catalog, List<Purchase> purchases, Map<String, Long> counts) {

  private static final Comparator<Purchase> BY_TS = Comparator.comparing(Purchase::ts);

  public Dataset {
    Objects.requireNonNull(format, "format");
    catalog = List.copyOf(catalog);
    List<Purchase> sorted = new ArrayList<>(purchases);
    sorted.sort(BY_TS); // List.sort is stable
    purchases = Collections.unmodifiableList(sorted);
    counts = Collections.unmodifiableMap(new LinkedHashMap<>(counts));
  }

  /** Train and test halves of a time split. */
  public record Split(Dataset train, Dataset test) {
  }

  /**
   * Splits the purchases at {@code cut}: train holds those with {@code ts < cut}, test those with
   * {@code ts >= cut}. Both halves keep the full catalog, so items that first sell after the cut are
   * already listed during training (a shop lists new items before they sell). The halves' counts are
   * {@code kept} (their purchases) and {@code cutEpochSecond}.
   */
  public Split splitAt(Instant cut) {
    Objects.requireNonNull(cut, "cut");
    int lo = 0;
    int hi = purchases.size();
    while (lo < hi) { // first index with ts >= cut
      int mid = (lo + hi) >>> 1;
      if (purchases.get(mid).ts().isBefore(cut)) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return new Split(part(purchases.subList(0, lo), cut), part(purchases.subList(lo, purchases.size()), cut));
  }

  /** When each purchased item was first bought: its earliest purchase's time, by item id. */
  public Map<String, Instant> firstPurchases() {
    Map<String, Instant> first = new HashMap<>();
    for (Purchase p : purchases) { // in time order: the first seen is the earliest
      first.putIfAbsent(p.itemId(), p.ts());
    }
    return first;
  }

  private Dataset part(List<Purchase> ps, Instant cut) {
    Map<String, Long> c = new LinkedHashMap<>();
    c.put("kept", (long) ps.size());
    c.put("cutEpochSecond", cut.getEpochSecond());
    return new Dataset(format, catalog, ps, c);
  }

  /**
   * A deterministic, unique id for each purchase, in {@link #purchases()} order:
   * {@code <prefix>-<basketId>-<itemId>-<k>} where k counts earlier purchases with the same basket and item
   * (0 for the first), and the prefix is {@code or} for Online Retail and {@code csv} otherwise.
   * Reading the same file again gives the same ids, which makes re-imports idempotent.
   */
  public List<String> eventIds() {
    String prefix = OnlineRetail.FORMAT.equals(format) ? "or-" : "csv-";
    Map<String, Integer> seen = new HashMap<>();
    List<String> ids = new ArrayList<>(purchases.size());
    for (Purchase p : purchases) {
      String key = p.basketId() + '-' + p.itemId();
      int k = seen.merge(key, 1, Integer::sum) - 1;
      ids.add(prefix + key + '-' + k);
    }
    return ids;
  }

  /** Distinct users among the purchases. */
  public int userCount() {
    return distinct(Purchase::userId);
  }

  /** Distinct items among the purchases (the catalog may list more). */
  public int soldItemCount() {
    return distinct(Purchase::itemId);
  }

  /** Distinct baskets among the purchases. */
  public int basketCount() {
    return distinct(Purchase::basketId);
  }

  private int distinct(java.util.function.Function<Purchase, String> f) {
    Set<String> s = new HashSet<>();
    for (Purchase p : purchases) {
      s.add(f.apply(p));
    }
    return s.size();
  }

  /** One line for logs: sizes, date range and counts. */
  public String summary() {
    String range = purchases.isEmpty() ? "-"
        : purchases.get(0).ts() + " .. " + purchases.get(purchases.size() - 1).ts();
    return format + ": " + purchases.size() + " purchases, " + userCount() + " users, " + soldItemCount()
        + " sold items (" + catalog.size() + " in catalog), " + basketCount() + " baskets, " + range
        + ", counts " + counts;
  }
}

package io.kerec.eval;

import io.kerec.dataset.CatalogItem;
import io.kerec.dataset.Dataset;
import io.kerec.dataset.Purchase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Builds the evaluation cases of a time split.
 *
 * <h2>Common rules</h2>
 * <ul>
 *   <li>Only the split's purchases count (for Online Retail: customers' cleaned lines, guests excluded).</li>
 *   <li>An item is <em>cold</em> when no training purchase has it ({@link #coldItems}); a case's
 *       {@code coldTargets} are its targets that are cold.</li>
 *   <li>What a case knows is what happened <em>strictly before</em> its {@code at}: two invoices of one user
 *       with the same timestamp do not see each other.</li>
 *   <li>{@code recentHistory} lists the last {@code historyItems} distinct items before {@code at}, most
 *       recent first. Lines with the same timestamp are ordered as in the data (a later line is more recent);
 *       test baskets with the same timestamp are ordered by basket id. {@code historyTimes} says when each of
 *       them was last bought.</li>
 * </ul>
 *
 * <h2>{@link EvalProtocol#PERIOD}</h2>
 * One case per user who has at least one training purchase and buys, in the test period, at least one item
 * not bought in training. {@code at} = the split cut; history and {@code bought} = the user's training
 * purchases; targets = the test items new to the user; {@code caseId} = the user id; {@code feedBefore} is
 * empty. Cases are ordered by user id.
 *
 * <h2>{@link EvalProtocol#BASKET}</h2>
 * One case per test basket (invoice) of a user who bought anything before it (in training or in an earlier
 * test basket) and whose basket has at least one item new to the user. {@code at} = the basket's time (its
 * first line's); history and {@code bought} = all the user's purchases before {@code at}; targets = the
 * basket's items not in {@code bought}; {@code caseId} = the basket id (with {@code @userId} appended only
 * if several users share a basket id). Cases are ordered by time, ties by basket id (then user id).
 * {@code feedBefore} of a case = the test purchases, of all users, with {@code ts < at} that no earlier case
 * listed, in data order: feeding each case's {@code feedBefore} then asking it replays the test period
 * exactly up to each question. Test purchases at or after the last case's {@code at} are in no case.
 */
public final class EvalCases {
  /** History length used by the reference figures: the last 20 distinct items. */
  public static final int DEFAULT_HISTORY_ITEMS = 20;

  private EvalCases() {
  }

  /**
   * The cases of {@code split} under {@code protocol}, in the order described in the class comment.
   *
   * @param historyItems the most distinct items to put in {@link EvalCase#recentHistory()}, at least 1
   */
  public static List<EvalCase> build(Dataset.Split split, EvalProtocol protocol, int historyItems) {
    Objects.requireNonNull(split, "split");
    Objects.requireNonNull(protocol, "protocol");
    if (historyItems < 1) {
      throw new IllegalArgumentException("historyItems must be at least 1: " + historyItems);
    }
    return switch (protocol) {
      case PERIOD -> period(split, historyItems);
      case BASKET -> basket(split, historyItems);
    };
  }

  /** Ids of the items no training purchase has (catalog items, plus any test item missing from it), sorted. */
  public static Set<String> coldItems(Dataset.Split split) {
    Set<String> sold = soldItems(split.train().purchases());
    Set<String> cold = new TreeSet<>();
    for (CatalogItem c : split.train().catalog()) {
      if (!sold.contains(c.itemId())) {
        cold.add(c.itemId());
      }
    }
    for (Purchase p : split.test().purchases()) {
      if (!sold.contains(p.itemId())) {
        cold.add(p.itemId());
      }
    }
    return cold;
  }

  /**
   * When each catalog item went on sale, as far as the training data tell: its first training purchase, else (an
   * item first sold in the test period, or never) the cut, since the test period's catalogue is known from its start.
   * Its sales are not: the listing time of a test item says nothing of when it first sold.
   */
  public static Map<String, Instant> listedAt(Dataset.Split split, List<CatalogItem> catalog) {
    Map<String, Instant> listed = split.train().firstPurchases();
    Instant cut = cut(split);
    for (CatalogItem c : catalog) {
      listed.putIfAbsent(c.itemId(), cut);
    }
    return listed;
  }

  /**
   * The instant the split was cut at: the {@code cutEpochSecond} count that {@link Dataset#splitAt} records,
   * else the first test purchase's time, else the instant after the last training purchase.
   */
  public static Instant cut(Dataset.Split split) {
    Long s = split.train().counts().get("cutEpochSecond");
    if (s != null) {
      return Instant.ofEpochSecond(s);
    }
    List<Purchase> test = split.test().purchases();
    if (!test.isEmpty()) {
      return test.get(0).ts();
    }
    List<Purchase> train = split.train().purchases();
    return train.isEmpty() ? Instant.EPOCH : train.get(train.size() - 1).ts().plusNanos(1);
  }

  private static Set<String> soldItems(List<Purchase> purchases) {
    Set<String> sold = new HashSet<>();
    for (Purchase p : purchases) {
      sold.add(p.itemId());
    }
    return sold;
  }

  /** A user's purchases so far, in data order. */
  private static final class UserState {
    final List<Purchase> purchases = new ArrayList<>();
    final Set<String> bought = new HashSet<>();

    void add(Purchase p) {
      purchases.add(p);
      bought.add(p.itemId());
    }

    /** The last n distinct items (most recent first) and when each was last bought. */
    void recent(int n, List<String> items, List<Instant> times) {
      Set<String> seen = new HashSet<>();
      for (int i = purchases.size() - 1; i >= 0 && items.size() < n; i--) {
        Purchase p = purchases.get(i);
        if (seen.add(p.itemId())) {
          items.add(p.itemId());
          times.add(p.ts());
        }
      }
    }
  }

  private static EvalCase newCase(String userId, String caseId, Instant at, UserState u, int historyItems,
      Set<String> targets, Set<String> trainSold, List<Purchase> feedBefore) {
    List<String> items = new ArrayList<>(historyItems);
    List<Instant> times = new ArrayList<>(historyItems);
    u.recent(historyItems, items, times);
    return new EvalCase(userId, caseId, at, items, u.bought, targets, cold(targets, trainSold), feedBefore, times);
  }

  private static List<EvalCase> period(Dataset.Split split, int historyItems) {
    Set<String> trainSold = soldItems(split.train().purchases());
    Map<String, UserState> users = new HashMap<>();
    for (Purchase p : split.train().purchases()) {
      users.computeIfAbsent(p.userId(), u -> new UserState()).add(p);
    }
    Map<String, Set<String>> testItems = new TreeMap<>();
    for (Purchase p : split.test().purchases()) {
      testItems.computeIfAbsent(p.userId(), u -> new LinkedHashSet<>()).add(p.itemId());
    }
    Instant at = cut(split);
    List<EvalCase> cases = new ArrayList<>();
    for (Map.Entry<String, Set<String>> e : testItems.entrySet()) {
      UserState u = users.get(e.getKey());
      if (u == null) {
        continue;
      }
      Set<String> targets = new HashSet<>(e.getValue());
      targets.removeAll(u.bought);
      if (targets.isEmpty()) {
        continue;
      }
      cases.add(newCase(e.getKey(), e.getKey(), at, u, historyItems, targets, trainSold, List.of()));
    }
    return cases;
  }

  private static Set<String> cold(Set<String> targets, Set<String> trainSold) {
    Set<String> c = new HashSet<>();
    for (String t : targets) {
      if (!trainSold.contains(t)) {
        c.add(t);
      }
    }
    return c;
  }

  /** One test basket of one user. */
  private record Basket(String basketId, String userId, Instant ts, List<Purchase> lines) {
  }

  private static List<EvalCase> basket(Dataset.Split split, int historyItems) {
    Set<String> trainSold = soldItems(split.train().purchases());
    Map<String, UserState> users = new HashMap<>();
    for (Purchase p : split.train().purchases()) {
      users.computeIfAbsent(p.userId(), u -> new UserState()).add(p);
    }
    List<Purchase> test = split.test().purchases();
    Map<List<String>, Basket> byKey = new LinkedHashMap<>();
    Map<String, Set<String>> usersOfBasketId = new HashMap<>();
    for (Purchase p : test) {
      byKey.computeIfAbsent(List.of(p.basketId(), p.userId()),
          k -> new Basket(p.basketId(), p.userId(), p.ts(), new ArrayList<>())).lines().add(p);
      usersOfBasketId.computeIfAbsent(p.basketId(), b -> new HashSet<>()).add(p.userId());
    }
    List<Basket> baskets = new ArrayList<>(byKey.values());
    baskets.sort(Comparator.comparing(Basket::ts).thenComparing(Basket::basketId).thenComparing(Basket::userId));

    List<EvalCase> cases = new ArrayList<>();
    int fed = 0; // test purchases [0, fed) are listed in earlier cases' feedBefore
    int i = 0;
    while (i < baskets.size()) {
      Instant ts = baskets.get(i).ts();
      int j = i;
      while (j < baskets.size() && baskets.get(j).ts().equals(ts)) {
        j++;
      }
      // questions for every basket at this instant, each seeing only what happened strictly before it
      for (int b = i; b < j; b++) {
        Basket basket = baskets.get(b);
        UserState u = users.get(basket.userId());
        if (u == null || u.bought.isEmpty()) {
          continue;
        }
        Set<String> targets = new HashSet<>();
        for (Purchase p : basket.lines()) {
          if (!u.bought.contains(p.itemId())) {
            targets.add(p.itemId());
          }
        }
        if (targets.isEmpty()) {
          continue;
        }
        int from = fed;
        while (fed < test.size() && test.get(fed).ts().isBefore(ts)) {
          fed++;
        }
        String caseId = usersOfBasketId.get(basket.basketId()).size() == 1 ? basket.basketId()
            : basket.basketId() + "@" + basket.userId();
        cases.add(newCase(basket.userId(), caseId, ts, u, historyItems, targets, trainSold,
            test.subList(from, fed)));
      }
      // then the baskets of this instant become history
      for (int b = i; b < j; b++) {
        Basket basket = baskets.get(b);
        UserState u = users.computeIfAbsent(basket.userId(), x -> new UserState());
        for (Purchase p : basket.lines()) {
          u.add(p);
        }
      }
      i = j;
    }
    return cases;
  }
}

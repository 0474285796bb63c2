package io.kerec.graph.recall;

import io.kerec.bus.Complement;
import io.kerec.bus.ItemEntities;
import io.kerec.bus.PurchaseFact;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded random shop in a {@link RecallView}, big enough to give recall pools of thousands of candidates: items
 * of one or two entities out of a fixed vocabulary, judged complements between entities, and users whose bills
 * favour a few entities each (so that co-occurrence and repeat rates are not uniform). For tests and the JMH
 * benchmarks.
 */
public final class RandomShop {
  private RandomShop() {
  }

  /** A shop with {@code items} items, {@code users} users ({@code "u0"}…) and about {@code purchases} purchases. */
  public static RecallView build(long seed, int items, int users, int purchases) {
    Random rnd = new Random(seed);
    int entityCount = Math.max(20, items / 15);
    List<String> entities = new ArrayList<>();
    for (int e = 0; e < entityCount; e++) {
      entities.add("entity" + e);
    }
    RecallView view = new RecallView();
    List<List<Integer>> byEntity = new ArrayList<>();
    entities.forEach(e -> byEntity.add(new ArrayList<>()));
    for (int i = 0; i < items; i++) {
      int a = rnd.nextInt(entityCount);
      List<String> es = new ArrayList<>(List.of(entities.get(a)));
      byEntity.get(a).add(i);
      if (rnd.nextInt(4) == 0) {
        int b = (a + 1 + rnd.nextInt(entityCount - 1)) % entityCount;
        es.add(entities.get(b));
        byEntity.get(b).add(i);
      }
      view.putItem(new ItemEntities("I" + i, String.join(" ", es).toUpperCase() + " STYLE " + (i % 7), 1.0 + i % 13,
          null, es));
    }
    for (int e = 0; e < entityCount; e++) {
      for (int k = 0; k < 5; k++) {
        int to = rnd.nextInt(entityCount);
        if (to != e) {
          view.putComplement(new Complement(entities.get(e), entities.get(to), 0.3 + 0.7 * rnd.nextDouble(),
              rnd.nextDouble(), "evidence"));
        }
      }
    }
    long ts = 1_300_000_000_000L;
    int made = 0;
    int bill = 0;
    while (made < purchases) {
      int u = rnd.nextInt(users);
      Random taste = new Random(seed * 31 + u);
      int[] liked = {taste.nextInt(entityCount), taste.nextInt(entityCount), taste.nextInt(entityCount)};
      int lines = 1 + rnd.nextInt(10);
      String basket = "b" + bill++;
      for (int l = 0; l < lines; l++) {
        List<Integer> pool = byEntity.get(liked[rnd.nextInt(liked.length)]);
        int item = pool.isEmpty() || rnd.nextInt(5) == 0 ? rnd.nextInt(items) : pool.get(rnd.nextInt(pool.size()));
        view.addPurchase(new PurchaseFact("p" + made, "u" + u, "I" + item, basket, ts, List.of()));
        made++;
      }
      ts += 60_000;
    }
    return view;
  }
}

package io.kerec.graph.recall;

import io.kerec.bus.Complement;
import io.kerec.bus.ItemEntities;
import io.kerec.bus.PurchaseFact;
import io.kerec.config.RecallOptions;
import java.util.BitSet;
import java.util.List;
import java.util.Set;

/** A hand-made shop in a bare {@link RecallState}, for testing one channel at a time. */
final class TinyShop {
  final RecallState state = new RecallState();
  private long ts = 1_000_000_000L;

  TinyShop item(String itemId, String title, String... entities) {
    state.putItem(new ItemEntities(itemId, title, 1.0, null, List.of(entities)));
    return this;
  }

  /** A complement whose confidence is half its weight. */
  TinyShop complement(String from, String to, double weight) {
    return complement(from, to, weight, "evidence");
  }

  TinyShop complement(String from, String to, double weight, String source) {
    state.putComplement(new Complement(from, to, weight, weight / 2, source));
    return this;
  }

  /** One bill of {@code user} holding {@code items}. */
  TinyShop bill(String user, String bill, String... items) {
    for (String item : items) {
      state.addPurchase(new PurchaseFact(user + item + ts, user, item, bill, ts++, List.of()));
    }
    return this;
  }

  /** Moves the clock on by {@code days}. */
  TinyShop later(int days) {
    ts += days * 24L * 3600 * 1000;
    return this;
  }

  /** A fresh pass with {@code triggers} weighted 1/(r+1), after the sales data are refreshed as recall does. */
  RecallPass pass(RecallOptions options, BitSet exclude, int withoutBill, Set<String> withoutCustomer,
                  boolean newItemsByTitle, String... triggers) {
    state.refreshPopularity();
    RecallPass pass = new RecallPass().begin(state.itemCount(), exclude, options, withoutBill, withoutCustomer,
        newItemsByTitle, state.listedSince(options.newItemDays()));
    for (int r = 0; r < triggers.length; r++) {
      pass.addTrigger(state.item(triggers[r]), 1.0 / (r + 1));
    }
    return pass;
  }

  RecallPass pass(RecallOptions options, String... triggers) {
    return pass(options, new BitSet(), -1, null, true, triggers);
  }

  /** The indexes of {@code itemIds}. */
  BitSet exclude(String... itemIds) {
    return state.indexesOf(List.of(itemIds));
  }

  /** The accumulator the pass touched for {@code itemId}, or null. */
  static Accumulator touched(RecallPass pass, String itemId) {
    for (Accumulator a : pass.touched()) {
      if (a.item.itemId.equals(itemId)) {
        return a;
      }
    }
    return null;
  }

  /** The ids of the items the pass touched, in the order first touched. */
  static List<String> touchedIds(RecallPass pass) {
    return pass.touched().stream().map(a -> a.item.itemId).toList();
  }

  /**
   * Options with everything at the bundled defaults but the counts of one channel: items per entity, new items per
   * entity, also bought, similar customers, similar titles and popular candidates; new items are never-sold ones.
   */
  static RecallOptions options(int itemsPerEntity, int newItemsPerEntity, int alsoBought, int similarCustomers,
                               int similarTitles, int popular) {
    return new RecallOptions(20, 20, itemsPerEntity, newItemsPerEntity, alsoBought, similarCustomers, similarTitles,
        popular, 500, 0, 7);
  }
}

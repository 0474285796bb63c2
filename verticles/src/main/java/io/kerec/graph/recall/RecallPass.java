package io.kerec.graph.recall;

import io.kerec.config.RecallOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Set;

/**
 * The recall under way, as the channels see it: its triggers (recent items and their recency weights), what it must
 * not recall, its options, and what the training samples leave out; and the accumulators it has touched, by item
 * index, in the order first touched. One pass serves every recall of a view (recall runs on one thread): it is
 * started afresh by {@link #begin}, and an accumulator from an earlier recall is reset when first touched again, so a
 * recall allocates nothing here once the arrays have grown.
 */
final class RecallPass {
  private ItemState[] triggers = new ItemState[16];
  private double[] recency = new double[16];
  private int triggerCount;
  private BitSet exclude;
  private RecallOptions options;
  private int withoutBill;
  private Set<String> withoutCustomer;
  private boolean newItemsByTitle;
  private long listedSince;
  private Set<String> complementSources;
  private Accumulator[] byIndex = new Accumulator[0];
  private final List<Accumulator> touched = new ArrayList<>();
  private int generation;

  /**
   * Starts a recall over {@code items} items.
   *
   * @param exclude the indexes of the items not to recall
   * @param withoutBill a bill the "also bought" channel leaves out, or -1
   * @param withoutCustomer everything one customer bought, whom the "similar customers" channel leaves out, or null
   * @param newItemsByTitle whether the "similar title" channel runs
   * @param listedSince the start (ms) of the window in which a listed item still counts as new
   *                    ({@link RecallState#listedSince})
   */
  RecallPass begin(int items, BitSet exclude, RecallOptions options, int withoutBill, Set<String> withoutCustomer,
                   boolean newItemsByTitle, long listedSince) {
    if (byIndex.length < items) {
      byIndex = Arrays.copyOf(byIndex, Math.max(items, byIndex.length * 2));
    }
    touched.clear();
    generation++;
    triggerCount = 0;
    this.exclude = exclude;
    this.options = options;
    this.withoutBill = withoutBill;
    this.withoutCustomer = withoutCustomer;
    this.newItemsByTitle = newItemsByTitle;
    this.listedSince = listedSince;
    this.complementSources = null;
    return this;
  }

  /** Limits the complementary channel to edges of these providers (null: every edge). */
  RecallPass followingComplementsOf(Set<String> sources) {
    this.complementSources = sources;
    return this;
  }

  /** Whether the complementary channel follows an edge that provider's verdict made. */
  boolean follows(String source) {
    return complementSources == null || complementSources.contains(source);
  }

  /** Adds a trigger: a recent item and its recency weight. */
  void addTrigger(ItemState item, double weight) {
    if (triggerCount == triggers.length) {
      triggers = Arrays.copyOf(triggers, triggerCount * 2);
      recency = Arrays.copyOf(recency, triggerCount * 2);
    }
    triggers[triggerCount] = item;
    recency[triggerCount] = weight;
    triggerCount++;
  }

  /** How many triggers the recall has. */
  int triggers() {
    return triggerCount;
  }

  /** Trigger {@code t}, most recent first. */
  ItemState trigger(int t) {
    return triggers[t];
  }

  /** The recency weight of trigger {@code t}. */
  double recency(int t) {
    return recency[t];
  }

  /** Whether the item of that index must not be recalled. */
  boolean excluded(int index) {
    return exclude.get(index);
  }

  /** Whether the item is new: sold at most {@code newItemMaxSales} times and listed within {@code newItemDays}. */
  boolean isNew(ItemState item) {
    return item.isNew(options.newItemMaxSales(), listedSince);
  }

  /**
   * Whether the item is shelved: never sold, and listed before the new-item window. Recall leaves it out: a week or
   * more in the shop without a single sale says more about it than its title does.
   */
  boolean shelved(ItemState item) {
    return item.purchases == 0 && item.listedTs < listedSince;
  }

  RecallOptions options() {
    return options;
  }

  /** A bill the "also bought" channel leaves out, or -1. */
  int withoutBill() {
    return withoutBill;
  }

  /** Everything one customer bought, whom the "similar customers" channel leaves out, or null. */
  Set<String> withoutCustomer() {
    return withoutCustomer;
  }

  /** Whether the "similar title" channel runs. */
  boolean newItemsByTitle() {
    return newItemsByTitle;
  }

  /** The item's accumulator in this recall: reset, and counted as touched, when first asked for. */
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

  /** The accumulators this recall touched, in the order first touched. */
  List<Accumulator> touched() {
    return touched;
  }
}

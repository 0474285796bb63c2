package io.kerec.graph.recall;

import static io.kerec.graph.recall.TinyShop.options;
import static io.kerec.graph.recall.TinyShop.touched;
import static io.kerec.graph.recall.TinyShop.touchedIds;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

class SimilarTitleChannelTest {
  /** A sold spaceboy lunch box and birthday card; never-sold spaceboy and dolly girl items. */
  private final TinyShop shop = new TinyShop()
      .item("B1", "SPACEBOY LUNCH BOX", "lunch box")
      .item("B2", "SPACEBOY MINI BACKPACK", "backpack")
      .item("B3", "DOLLY GIRL MINI BACKPACK", "backpack")
      .item("B4", "SPACEBOY BIRTHDAY CARD", "card")
      .item("B5", "SPACEBOY LUNCH BAG", "lunch bag")
      .bill("x", "b1", "B1", "B4");

  @Test
  void recallsTheNewItemsOfMostSimilarTitlesUpToTheLimitPerTrigger() {
    RecallPass one = shop.pass(options(30, 10, 0, 0, 1, 0), "B1");
    new SimilarTitleChannel(shop.state).collect(one);
    assertThat(touchedIds(one)).as("spaceboy and lunch over spaceboy alone; the card is sold").containsExactly("B5");

    RecallPass two = shop.pass(options(30, 10, 0, 0, 20, 0), "B1");
    new SimilarTitleChannel(shop.state).collect(two);
    assertThat(touchedIds(two)).containsExactly("B5", "B2");
    Accumulator bag = touched(two, "B5");
    Accumulator backpack = touched(two, "B2");
    assertThat(bag.title).isGreaterThan(backpack.title).isGreaterThan(0).isLessThan(1);
    assertThat(bag.titleCosine).isEqualTo(bag.title);
    assertThat(bag.titleTrigger.itemId).isEqualTo("B1");
    assertThat(bag.complement + bag.cooc + bag.knn + bag.sameEntity).as("no other channel's fields").isZero();
  }

  @Test
  void isOffAtZeroInTrainingPassesAndForExcludedItems() {
    RecallPass off = shop.pass(options(30, 10, 0, 0, 0, 0), "B1");
    new SimilarTitleChannel(shop.state).collect(off);
    assertThat(off.touched()).isEmpty();

    RecallPass training = shop.pass(options(30, 10, 0, 0, 20, 0), new BitSet(), -1, null, false, "B1");
    new SimilarTitleChannel(shop.state).collect(training);
    assertThat(training.touched()).isEmpty();

    RecallPass excluding = shop.pass(options(30, 10, 0, 0, 1, 0), shop.exclude("B5"), -1, null, true, "B1");
    new SimilarTitleChannel(shop.state).collect(excluding);
    assertThat(touchedIds(excluding)).containsExactly("B2");
  }
}

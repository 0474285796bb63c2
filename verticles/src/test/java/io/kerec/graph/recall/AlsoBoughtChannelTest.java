package io.kerec.graph.recall;

import static io.kerec.graph.recall.TinyShop.options;
import static io.kerec.graph.recall.TinyShop.touched;
import static io.kerec.graph.recall.TinyShop.touchedIds;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

class AlsoBoughtChannelTest {
  private final TinyShop shop = shop();

  /**
   * Plates in three bills, twice with cups, once with napkins; a fork never with plates. A new one for each pass
   * whose neighbour count differs: the co-purchase index caches an item's neighbours whatever their count.
   */
  private static TinyShop shop() {
    return new TinyShop()
        .item("P1", "PAPER PLATES", "paper plate")
        .item("P2", "PAPER CUPS", "paper cup")
        .item("P3", "PAPER NAPKINS", "napkin")
        .item("F1", "FORK", "fork")
        .bill("u1", "b1", "P1", "P2")
        .bill("u2", "b2", "P1", "P2")
        .bill("u3", "b3", "P1", "P3")
        .bill("u4", "b4", "F1");
  }

  @Test
  void recallsItemsOfTheSameBillsByRecencyTimesCosine() {
    RecallPass pass = shop.pass(options(30, 10, 200, 0, 0, 0), "F1", "P1");
    new AlsoBoughtChannel(shop.state).collect(pass);

    assertThat(touchedIds(pass)).containsExactly("P2", "P3");
    Accumulator cups = touched(pass, "P2");
    double cosine = 2 / Math.sqrt(3.0 * 2);
    assertThat(cups.coocMax).isEqualTo(cosine);
    assertThat(cups.cooc).as("the plates are the second trigger").isEqualTo(0.5 * cosine);
    assertThat(cups.coocTrigger.itemId).isEqualTo("P1");
    assertThat(cups.coocCosine).isEqualTo(cosine);
    assertThat(touched(pass, "P3").coocMax).isEqualTo(1 / Math.sqrt(3.0 * 1));
    assertThat(cups.complement + cups.knn + cups.title + cups.sameEntity).as("no other channel's fields").isZero();
  }

  @Test
  void keepsTheStrongestNeighboursPerTriggerLeavesOutAnExcludedItemAndIsOffAtZero() {
    TinyShop other = shop();
    RecallPass one = other.pass(options(30, 10, 1, 0, 0, 0), "P1");
    new AlsoBoughtChannel(other.state).collect(one);
    assertThat(touchedIds(one)).containsExactly("P2");

    RecallPass excluding = shop.pass(options(30, 10, 200, 0, 0, 0), shop.exclude("P2"), -1, null, true, "P1");
    new AlsoBoughtChannel(shop.state).collect(excluding);
    assertThat(touchedIds(excluding)).containsExactly("P3");

    RecallPass off = shop.pass(options(30, 10, 0, 0, 0, 0), "P1");
    new AlsoBoughtChannel(shop.state).collect(off);
    assertThat(off.touched()).isEmpty();
  }

  @Test
  void aTrainingPassLeavesOutTheLabelBill() {
    RecallPass pass = shop.pass(options(30, 10, 200, 0, 0, 0), new BitSet(), shop.state.bills().group("b3"), null,
        false, "P1");
    new AlsoBoughtChannel(shop.state).collect(pass);

    assertThat(touchedIds(pass)).as("the napkins were only in the label bill").containsExactly("P2");
    assertThat(touched(pass, "P2").coocMax).as("two of the plates' two other bills").isEqualTo(1.0);
  }
}

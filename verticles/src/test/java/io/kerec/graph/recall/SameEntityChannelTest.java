package io.kerec.graph.recall;

import static io.kerec.graph.recall.TinyShop.options;
import static io.kerec.graph.recall.TinyShop.touched;
import static io.kerec.graph.recall.TinyShop.touchedIds;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SameEntityChannelTest {
  /** Candles, which buyer a bought two of; tents, which nobody did. */
  private final TinyShop shop = new TinyShop()
      .item("C1", "RED CANDLE", "candle")
      .item("C2", "BLUE CANDLE", "candle")
      .item("C3", "NEW CANDLE", "candle")
      .item("P1", "TENT", "tent")
      .item("P2", "BIG TENT", "tent")
      .bill("a", "b1", "C1", "C2")
      .bill("b", "b2", "C1")
      .bill("c", "b3", "P1")
      .bill("d", "b4", "P1");

  @Test
  void recallsTheOtherItemsOfRepeatedEntitiesBySalesShareTimesRepeatRate() {
    RecallPass pass = shop.pass(options(30, 10, 0, 0, 0, 0), "C1", "P1");
    new SameEntityChannel().collect(pass);

    assertThat(touchedIds(pass)).as("not the trigger itself, no tent: its buyers never bought two")
        .containsExactly("C2", "C3");
    double repeatRate = 1 / (2 + 1.0);
    Accumulator c2 = touched(pass, "C2");
    assertThat(c2.sameEntityShare).as("(1 sale + prior 1) / (3 sales + prior 1 × 3 items)").isEqualTo(2.0 / 6);
    assertThat(c2.sameEntity).isEqualTo(2.0 / 6 * repeatRate);
    assertThat(c2.sameTrigger.itemId).isEqualTo("C1");
    assertThat(c2.sameName).isEqualTo("candle");
    assertThat(touched(pass, "C3").sameEntityShare).as("never sold: the prior alone").isEqualTo(1.0 / 6);
    assertThat(c2.complement + c2.cooc + c2.knn + c2.title).as("no other channel's fields").isZero();
  }

  @Test
  void anItemReachedThroughTwoEntitiesOfOneTriggerCountsOnceByTheFirst() {
    shop.item("C4", "CANDLE IN A JAR", "candle", "jar").item("J1", "JAR CANDLE", "jar", "candle")
        .bill("e", "b5", "C4", "J1");
    RecallPass pass = shop.pass(options(30, 10, 0, 0, 0, 0), shop.exclude("C1", "C2", "C3"), -1, null, true, "J1");
    new SameEntityChannel().collect(pass);

    assertThat(touchedIds(pass)).containsExactly("C4");
    Accumulator c4 = touched(pass, "C4");
    assertThat(shop.state.entity("candle").repeatRate).isPositive();
    assertThat(c4.sameEntityShare).as("through the jar only")
        .isEqualTo(CandidateFeatures.share(shop.state.item("C4"), shop.state.entity("jar")));
    assertThat(c4.sameName).isEqualTo("jar");
  }
}

package io.kerec.graph.recall;

import static io.kerec.graph.recall.TinyShop.options;
import static io.kerec.graph.recall.TinyShop.touched;
import static io.kerec.graph.recall.TinyShop.touchedIds;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ComplementChannelTest {
  /** A teacup that is also a cup, a mug; saucers S1 (sold 3), S2 (sold 1), S3 (never sold). */
  private final TinyShop shop = new TinyShop()
      .item("T1", "ROSES TEACUP", "teacup", "cup")
      .item("M1", "RED MUG", "mug")
      .item("S1", "ROSES SAUCER", "saucer")
      .item("S2", "GREEN SAUCER", "saucer")
      .item("S3", "NEW SAUCER", "saucer")
      .complement("teacup", "saucer", 0.8)
      .complement("cup", "saucer", 0.6)
      .complement("mug", "saucer", 0.5)
      .bill("a", "b1", "S1")
      .bill("b", "b2", "S1", "S2")
      .bill("c", "b3", "S1");

  @Test
  void eachTriggerAddsItsStrongestPathAndTheStrongestOfAllExplains() {
    RecallPass pass = shop.pass(options(30, 10, 0, 0, 0, 0), "T1", "M1");
    new ComplementChannel().collect(pass);

    Accumulator s1 = touched(pass, "S1");
    assertThat(s1.complement).as("teacup 1 × 0.8 (not also cup 1 × 0.6), then mug 0.5 × 0.5")
        .isEqualTo(1 * 0.8 + 0.5 * 0.5);
    assertThat(s1.triggers).isEqualTo(2);
    assertThat(s1.triggerRecency).isEqualTo(1.5);
    assertThat(s1.maxWeight).isEqualTo(0.8);
    assertThat(s1.maxConfidence).isEqualTo(0.4);
    assertThat(s1.target.name).isEqualTo("saucer");
    assertThat(s1.becauseTrigger.itemId).isEqualTo("T1");
    assertThat(s1.becauseTriggerEntity).isEqualTo("teacup");
    assertThat(s1.becauseEdge.weight()).isEqualTo(0.8);
    assertThat(touchedIds(pass)).containsExactly("S1", "S2", "S3");
    assertThat(s1.cooc + s1.knn + s1.title + s1.sameEntity).as("no other channel's fields").isZero();
  }

  @Test
  void followsTheBestSellersAndTheNewItemsOfAnEntityUpToTheirLimitsButNoExcludedItem() {
    RecallPass limited = shop.pass(options(1, 1, 0, 0, 0, 0), "T1");
    new ComplementChannel().collect(limited);
    assertThat(touchedIds(limited)).as("the best seller and the never-sold one").containsExactly("S1", "S3");

    RecallPass excluding = shop.pass(options(30, 10, 0, 0, 0, 0), shop.exclude("S2"), -1, null, true, "T1");
    new ComplementChannel().collect(excluding);
    assertThat(touchedIds(excluding)).containsExactly("S1", "S3");
  }

  @Test
  void anArmCanFollowOnlyTheEdgesOfSomeProviders() {
    TinyShop judged = new TinyShop()
        .item("T1", "ROSES TEACUP", "teacup")
        .item("M1", "RED MUG", "mug")
        .item("S1", "ROSES SAUCER", "saucer")
        .item("C1", "TEA COSY", "tea cosy")
        .complement("teacup", "saucer", 0.8, "evidence")
        .complement("teacup", "tea cosy", 0.7, "openai")
        .complement("mug", "saucer", 0.5, "knowledge")
        .bill("a", "b1", "S1", "C1");
    RecallPass all = judged.pass(options(30, 10, 0, 0, 0, 0), "T1", "M1");
    new ComplementChannel().collect(all);
    assertThat(touchedIds(all)).containsExactlyInAnyOrder("S1", "C1");

    RecallPass llm = judged.pass(options(30, 10, 0, 0, 0, 0), "T1").followingComplementsOf(java.util.Set.of("openai"));
    new ComplementChannel().collect(llm);
    assertThat(touchedIds(llm)).as("only the LLM's teacup -> tea cosy").containsExactly("C1");
    assertThat(touched(llm, "C1").becauseEdge.source()).isEqualTo("openai");

    RecallPass knowledge = judged.pass(options(30, 10, 0, 0, 0, 0), "T1", "M1")
        .followingComplementsOf(java.util.Set.of("knowledge"));
    new ComplementChannel().collect(knowledge);
    assertThat(touchedIds(knowledge)).as("saucer only through mug, the knowledge file's edge").containsExactly("S1");
    assertThat(touched(knowledge, "S1").becauseTriggerEntity).isEqualTo("mug");
  }
}

package io.kerec.graph.recall;

import static io.kerec.graph.recall.TinyShop.options;
import static io.kerec.graph.recall.TinyShop.touchedIds;
import static org.assertj.core.api.Assertions.assertThat;

import io.kerec.bus.Candidate;
import io.kerec.bus.Features;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PopularityChannelTest {
  /** E sold most, but 40 days before A, B and C; D never sold. */
  private final TinyShop shop = new TinyShop()
      .item("A", "A", "thing").item("B", "B", "thing").item("C", "C", "thing").item("D", "D", "thing")
      .item("E", "E", "thing")
      .bill("u1", "b1", "E", "E", "E", "E", "E")
      .later(40)
      .bill("u2", "b2", "A", "A", "A", "B", "B", "C");

  @Test
  void addsTheBestSellersOfAllTimeAndOfTheLastThirtyDaysThatAreNotExcluded() {
    RecallPass pass = shop.pass(options(30, 10, 0, 0, 0, 1));
    new PopularityChannel(shop.state).collect(pass);
    assertThat(touchedIds(pass)).containsExactly("E", "A");

    RecallPass excluding = shop.pass(options(30, 10, 0, 0, 0, 2), shop.exclude("E", "A"), -1, null, true);
    new PopularityChannel(shop.state).collect(excluding);
    assertThat(touchedIds(excluding)).containsExactly("B", "C");
    assertThat(excluding.touched()).allSatisfy(a -> assertThat(a.base + a.complement + a.cooc).isZero());
  }

  @Test
  void topListsTheBestSellersNeitherBoughtNorExcludedWithTheirSalesFeatures() {
    shop.state.refreshPopularity();
    List<Candidate> top = new PopularityChannel(shop.state).top(Set.of("E"), 3, Set.of("B"));

    assertThat(top).extracting(Candidate::itemId).containsExactly("A", "C", "D");
    assertThat(top).extracting(Candidate::channel).containsOnly(RecallView.CHANNEL_POPULAR);
    assertThat(top.get(0).features()[Features.ITEM_POPULARITY]).isEqualTo((float) Math.log1p(3));
    assertThat(top.get(0).baseScore()).isEqualTo(Math.log1p(3));
    assertThat(top).extracting(Candidate::fresh).containsExactly(false, false, true);
  }
}

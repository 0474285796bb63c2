package io.kerec.graph.recall;

import static io.kerec.graph.recall.TinyShop.options;
import static io.kerec.graph.recall.TinyShop.touched;
import static io.kerec.graph.recall.TinyShop.touchedIds;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SimilarCustomersChannelTest {
  /** Gloves bought by four customers; three of them bought seed trays in other bills, one of them a hose. */
  private final TinyShop shop = new TinyShop()
      .item("G1", "GARDEN GLOVES", "glove")
      .item("G2", "SEED TRAY", "seed tray")
      .item("G3", "GARDEN HOSE", "hose")
      .bill("d0", "spring0", "G1").bill("d0", "summer0", "G2").bill("d0", "autumn0", "G3")
      .bill("d1", "spring1", "G1").bill("d1", "summer1", "G2")
      .bill("d2", "spring2", "G1").bill("d2", "summer2", "G2")
      .bill("eve", "eve1", "G1");

  @Test
  void recallsWhatTheSameCustomersBoughtByRecencyTimesCosineOnlyWhenSwitchedOn() {
    RecallPass off = shop.pass(options(30, 10, 200, 0, 0, 0), "G1");
    new SimilarCustomersChannel(shop.state).collect(off);
    assertThat(off.touched()).isEmpty();

    RecallPass pass = shop.pass(options(30, 10, 0, 50, 0, 0), "G1");
    new SimilarCustomersChannel(shop.state).collect(pass);
    assertThat(touchedIds(pass)).containsExactly("G2", "G3");
    Accumulator trays = touched(pass, "G2");
    double cosine = 3 / Math.sqrt(4.0 * 3);
    assertThat(trays.knn).isEqualTo(cosine);
    assertThat(trays.knnMax).isEqualTo(cosine);
    assertThat(trays.knnTrigger.itemId).isEqualTo("G1");
    assertThat(trays.knnCosine).isEqualTo(cosine);
    assertThat(trays.complement + trays.cooc + trays.title + trays.sameEntity).as("no other channel's fields")
        .isZero();
  }

  @Test
  void aTrainingPassTakesItsCustomerOutOfEverySimilarity() {
    RecallPass withoutD0 = shop.pass(options(30, 10, 0, 50, 0, 0), new BitSet(), -1, Set.of("G1", "G2", "G3"),
        false, "G1");
    new SimilarCustomersChannel(shop.state).collect(withoutD0);
    assertThat(touchedIds(withoutD0)).as("only d0 linked the hose to the gloves").containsExactly("G2");
    assertThat(touched(withoutD0, "G2").knn).as("2 co-buyers of 3 glove and 2 tray buyers")
        .isEqualTo(2 / Math.sqrt(3.0 * 2));

    RecallPass withoutEve = shop.pass(options(30, 10, 0, 50, 0, 0), new BitSet(), -1, Set.of("G1"), false, "G1");
    new SimilarCustomersChannel(shop.state).collect(withoutEve);
    assertThat(touched(withoutEve, "G2").knn).as("3 co-buyers of 3 glove and 3 tray buyers").isEqualTo(1.0);
  }
}

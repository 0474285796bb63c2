package io.kerec.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kerec.dataset.CatalogItem;
import io.kerec.dataset.Purchase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A planted training set (all before 2020-03-01, the end of training):
 * <ul>
 *   <li>u1..u5 each buy A and B together in one basket (January);</li>
 *   <li>u6..u8 each buy C and D together (January);</li>
 *   <li>u1..u8 each buy E alone, in a basket of its own (January);</li>
 *   <li>u9 and u10 each buy F alone in the last days of February.</li>
 * </ul>
 * Users per item: E 8, A 5, B 5, C 3, D 3, F 2. G is in the catalog but never sold.
 */
class BaselinesTest {
  static final Instant JAN = Instant.parse("2020-01-05T10:00:00Z");
  static final Instant FEB = Instant.parse("2020-02-25T10:00:00Z");

  static List<Purchase> train() {
    List<Purchase> t = new ArrayList<>();
    for (int u = 1; u <= 5; u++) {
      t.add(new Purchase("u" + u, "A", "ab" + u, JAN, 1, 1));
      t.add(new Purchase("u" + u, "B", "ab" + u, JAN, 1, 1));
    }
    for (int u = 6; u <= 8; u++) {
      t.add(new Purchase("u" + u, "C", "cd" + u, JAN, 1, 1));
      t.add(new Purchase("u" + u, "D", "cd" + u, JAN, 1, 1));
    }
    for (int u = 1; u <= 8; u++) {
      t.add(new Purchase("u" + u, "E", "e" + u, JAN.plusSeconds(3600), 1, 1));
    }
    t.add(new Purchase("u9", "F", "f9", FEB, 1, 1));
    t.add(new Purchase("u10", "F", "f10", FEB.plusSeconds(60), 1, 1));
    return t;
  }

  static List<CatalogItem> catalog() {
    return Stream.of("A", "B", "C", "D", "E", "F", "G").map(id -> new CatalogItem(id, "item " + id, 1.0)).toList();
  }

  /** A case for a new user who has bought {@code history} (most recent first), each at its own time. */
  static EvalCase ask(String... history) {
    List<Instant> times = new ArrayList<>();
    for (int i = 0; i < history.length; i++) {
      times.add(FEB.minusSeconds(60L * i));
    }
    return new EvalCase("z", "z", FEB, List.of(history), Set.of(history), Set.of("x"), Set.of(), List.of(),
        times);
  }

  static Baseline fitted(Baseline b) {
    b.fit(train(), catalog());
    return b;
  }

  @Test
  void popularityOrdersByDistinctUsersThenId() {
    Baseline b = fitted(new PopularityBaseline());
    assertThat(b.name()).isEqualTo("popularity");
    assertThat(b.recommend(ask(), 10)).containsExactly("E", "A", "B", "C", "D", "F");
    assertThat(b.recommend(ask("E"), 3)).containsExactly("A", "B", "C");
    assertThat(b.recommend(ask("A", "E"), 2)).containsExactly("B", "C");
  }

  @Test
  void recentPopularityPutsTheLast30DaysFirst() {
    Baseline b = fitted(new RecentPopularityBaseline());
    assertThat(b.name()).isEqualTo("recent-popularity");
    // only F sold in the 30 days before the last training purchase; the rest follow by overall popularity
    assertThat(b.recommend(ask(), 3)).containsExactly("F", "E", "A");
    assertThat(b.recommend(ask("F"), 2)).containsExactly("E", "A");
    // a window that ends in January: F is not recent
    Baseline jan = new RecentPopularityBaseline(java.time.Duration.ofDays(30), JAN.plusSeconds(86_400));
    jan.fit(train(), catalog());
    assertThat(jan.recommend(ask(), 3)).containsExactly("E", "A", "B");
  }

  @Test
  void cooccurrenceRecommendsTheCoBoughtItem() {
    Baseline b = fitted(new CooccurrenceBaseline());
    assertThat(b.name()).isEqualTo("cooccurrence");
    // cos(A, B) = 5 / sqrt(5 * 5) = 1; E never shares an invoice with A; then popularity fills
    assertThat(b.recommend(ask("A"), 3)).containsExactly("B", "E", "C");
    assertThat(b.recommend(ask("D"), 1)).containsExactly("C");
  }

  @Test
  void itemKnnRecommendsItemsOfTheSameCustomers() {
    Baseline b = fitted(new ItemKnnBaseline());
    assertThat(b.name()).isEqualTo("itemknn");
    // over customers: cos(A, B) = 1, cos(A, E) = 5 / sqrt(5 * 8) = 0.79, cos(A, C) = 0
    assertThat(b.recommend(ask("A"), 3)).containsExactly("B", "E", "C");
    // over customers C and E share u6..u8: cos = 3 / sqrt(3 * 8)
    assertThat(b.recommend(ask("C"), 3)).containsExactly("D", "E", "A");
  }

  @Test
  void moreRecentHistoryWeighsMore() {
    Baseline b = fitted(new CooccurrenceBaseline());
    // A most recent (weight 1), C next (1/2): B (1) before D (0.5)
    assertThat(b.recommend(ask("A", "C"), 2)).containsExactly("B", "D");
    assertThat(b.recommend(ask("C", "A"), 2)).containsExactly("D", "B");
    // bought at the same instant: the same weight, ties by item id
    EvalCase same = new EvalCase("z", "z", FEB, List.of("C", "A"), Set.of("A", "C"), Set.of("x"), Set.of(),
        List.of(), List.of(FEB, FEB));
    assertThat(same.recencyRanks()).containsExactly(0, 0);
    assertThat(b.recommend(same, 2)).containsExactly("B", "D");
  }

  @Test
  void neverRecommendsBoughtItemsNorDuplicates() {
    for (Baseline b : Baselines.all()) {
      fitted(b);
      for (String[] h : List.of(new String[] {}, new String[] {"A"}, new String[] {"E", "B", "C"})) {
        List<String> r = b.recommend(ask(h), 10);
        assertThat(r).as(b.name()).doesNotHaveDuplicates().allMatch(x -> !List.of(h).contains(x));
        assertThat(r).as(b.name()).hasSize(6 - h.length); // every sold item not bought; G never sold
      }
    }
  }

  @Test
  void namesAndErrors() {
    assertThat(Baselines.all()).extracting(Baseline::name)
        .containsExactly("popularity", "recent-popularity", "cooccurrence", "itemknn");
    assertThat(Baselines.create("itemknn")).isInstanceOf(ItemKnnBaseline.class);
    assertThatThrownBy(() -> Baselines.create("bpr")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PopularityBaseline().recommend(ask(), 3)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void runnerScoresEachK() {
    EvalCase c = new EvalCase("z", "z", FEB, List.of("A"), Set.of("A"), Set.of("B", "G"), Set.of("G"), List.of());
    List<MethodMetrics> ms = BaselineRunner.evaluate(new CooccurrenceBaseline(), train(), catalog(), List.of(c),
        List.of(1, 5));
    assertThat(ms).extracting(MethodMetrics::k).containsExactly(1, 5);
    assertThat(ms.get(0).hr()).isEqualTo(1.0);
    assertThat(ms.get(0).recall()).isEqualTo(1.0); // 1 / min(1, 2)
    assertThat(ms.get(1).recall()).isEqualTo(0.5);
    assertThat(ms.get(1).coldUsers()).isEqualTo(1);
    assertThat(ms.get(1).coldHr()).isZero();
    assertThat(ms.get(1).coverage()).isCloseTo(5.0 / 7, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(ms.get(0).seconds()).isPositive();
  }
}

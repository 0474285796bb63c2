package io.kerec.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kerec.dataset.CatalogItem;
import io.kerec.dataset.Dataset;
import io.kerec.dataset.Purchase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A hand-made data set, cut at 2020-01-10.
 *
 * <pre>
 * train  b1 u1 Jan 1  A, B        test  b5  u1 Jan 11  A, D
 *        b3 u2 Jan 2  A                 b6  u2 Jan 12  B
 *        b4 u3 Jan 3  B, D              b8  u4 Jan 12  A       (u4 new)
 *        b2 u1 Jan 5  C                 b9  u4 Jan 13  C
 *                                       b10 u3 Jan 14  B       (repeat only)
 *                                       b7  u2 Jan 15  F, A
 *                                       b11 u1 Jan 20  E
 *                                       b12 u1 Jan 20  E, B    (same instant as b11)
 * catalog A..H; sold in training A, B, C, D; cold E, F, G, H.
 * </pre>
 */
class EvalCasesTest {
  static final Instant CUT = Instant.parse("2020-01-10T00:00:00Z");

  static Instant day(int d) {
    return Instant.parse(String.format("2020-01-%02dT12:00:00Z", d));
  }

  static Purchase p(String user, String item, String basket, int day) {
    return new Purchase(user, item, basket, day(day), 1, 1.0);
  }

  static final List<Purchase> PURCHASES = List.of(
      p("u1", "A", "b1", 1), p("u1", "B", "b1", 1), p("u2", "A", "b3", 2), p("u3", "B", "b4", 3),
      p("u3", "D", "b4", 3), p("u1", "C", "b2", 5),
      p("u1", "A", "b5", 11), p("u1", "D", "b5", 11), p("u2", "B", "b6", 12), p("u4", "A", "b8", 12),
      p("u4", "C", "b9", 13), p("u3", "B", "b10", 14), p("u2", "F", "b7", 15), p("u2", "A", "b7", 15),
      p("u1", "E", "b11", 20), p("u1", "E", "b12", 20), p("u1", "B", "b12", 20));

  static Dataset.Split split() {
    List<CatalogItem> catalog = Stream.of("A", "B", "C", "D", "E", "F", "G", "H")
        .map(id -> new CatalogItem(id, "item " + id, 1.0)).toList();
    return new Dataset("generic-csv", catalog, PURCHASES, Map.of()).splitAt(CUT);
  }

  static List<Purchase> test(String... baskets) {
    List<Purchase> out = new ArrayList<>();
    for (Purchase x : split().test().purchases()) {
      if (List.of(baskets).contains(x.basketId())) {
        out.add(x);
      }
    }
    return out;
  }

  @Test
  void coldItemsAreThoseNeverSoldInTraining() {
    assertThat(EvalCases.coldItems(split())).containsExactly("E", "F", "G", "H");
    assertThat(EvalCases.cut(split())).isEqualTo(CUT);
  }

  @Test
  void itemsAreListedAtTheirFirstTrainingSaleAndTheTestCatalogueAtTheCut() {
    Map<String, Instant> listed = EvalCases.listedAt(split(), split().train().catalog());
    assertThat(listed).containsEntry("A", day(1)).containsEntry("B", day(1)).containsEntry("C", day(5))
        .containsEntry("D", day(3));
    assertThat(List.of("E", "F", "G", "H")).allSatisfy(id -> assertThat(listed).as("not when it first sold")
        .containsEntry(id, CUT));
  }

  @Test
  void period() {
    List<EvalCase> cases = EvalCases.build(split(), EvalProtocol.PERIOD, 20);
    // u3 only re-bought B; u4 has no training purchase
    assertThat(cases).extracting(EvalCase::caseId).containsExactly("u1", "u2");
    EvalCase u1 = cases.get(0);
    assertThat(u1.userId()).isEqualTo("u1");
    assertThat(u1.at()).isEqualTo(CUT);
    assertThat(u1.recentHistory()).containsExactly("C", "B", "A"); // C on Jan 5, then b1's lines, later first
    assertThat(u1.historyTimes()).containsExactly(day(5), day(1), day(1));
    assertThat(u1.recencyRanks()).containsExactly(0, 1, 1);
    assertThat(u1.bought()).containsExactly("A", "B", "C");
    assertThat(u1.targets()).containsExactly("D", "E"); // A and B re-bought: not targets
    assertThat(u1.coldTargets()).containsExactly("E");
    assertThat(u1.feedBefore()).isEmpty();
    EvalCase u2 = cases.get(1);
    assertThat(u2.targets()).containsExactly("B", "F");
    assertThat(u2.coldTargets()).containsExactly("F");
    assertThat(u2.recentHistory()).containsExactly("A");
  }

  @Test
  void historyIsCutToTheItemsAskedFor() {
    EvalCase u1 = EvalCases.build(split(), EvalProtocol.PERIOD, 2).get(0);
    assertThat(u1.recentHistory()).containsExactly("C", "B");
    assertThat(u1.bought()).containsExactly("A", "B", "C");
    assertThatThrownBy(() -> EvalCases.build(split(), EvalProtocol.PERIOD, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void basket() {
    List<EvalCase> cases = EvalCases.build(split(), EvalProtocol.BASKET, 20);
    // b8: u4's first purchase (no history); b10: nothing new to u3
    assertThat(cases).extracting(EvalCase::caseId).containsExactly("b5", "b6", "b9", "b7", "b11", "b12");

    EvalCase b5 = cases.get(0);
    assertThat(b5.userId()).isEqualTo("u1");
    assertThat(b5.at()).isEqualTo(day(11));
    assertThat(b5.targets()).containsExactly("D");
    assertThat(b5.coldTargets()).isEmpty();
    assertThat(b5.bought()).containsExactly("A", "B", "C");
    assertThat(b5.feedBefore()).isEmpty();

    EvalCase b6 = cases.get(1);
    assertThat(b6.targets()).containsExactly("B");
    assertThat(b6.feedBefore()).containsExactlyElementsOf(test("b5"));

    EvalCase b9 = cases.get(2);
    assertThat(b9.userId()).isEqualTo("u4");
    assertThat(b9.recentHistory()).containsExactly("A"); // from test basket b8
    assertThat(b9.targets()).containsExactly("C");
    // every purchase before Jan 13 that b6 did not list, whoever made it: b6's and b8's (both Jan 12)
    assertThat(b9.feedBefore()).containsExactlyElementsOf(test("b6", "b8"));

    EvalCase b7 = cases.get(3);
    assertThat(b7.userId()).isEqualTo("u2");
    assertThat(b7.recentHistory()).containsExactly("B", "A"); // B from test basket b6, then A from training
    assertThat(b7.recencyRanks()).containsExactly(0, 1);
    assertThat(b7.bought()).containsExactly("A", "B");
    assertThat(b7.targets()).containsExactly("F"); // A re-bought
    assertThat(b7.coldTargets()).containsExactly("F");
    assertThat(b7.feedBefore()).containsExactlyElementsOf(test("b9", "b10")); // b10 is no case but is fed

    // b11 and b12: same user, same instant: neither sees the other; ties by basket id
    EvalCase b11 = cases.get(4);
    EvalCase b12 = cases.get(5);
    assertThat(b11.targets()).containsExactly("E");
    assertThat(b11.coldTargets()).containsExactly("E");
    assertThat(b11.feedBefore()).containsExactlyElementsOf(test("b7"));
    assertThat(b12.bought()).containsExactly("A", "B", "C", "D");
    assertThat(b12.targets()).containsExactly("E");
    assertThat(b12.feedBefore()).isEmpty();
  }

  @Test
  void feedingEveryCasesFeedBeforeReplaysTheTestPeriodInOrder() {
    List<Purchase> fed = new ArrayList<>();
    for (EvalCase c : EvalCases.build(split(), EvalProtocol.BASKET, 20)) {
      for (Purchase x : c.feedBefore()) {
        assertThat(x.ts()).isBefore(c.at());
      }
      fed.addAll(c.feedBefore());
    }
    List<Purchase> test = split().test().purchases();
    // everything before the last case's instant, in data order
    assertThat(fed).containsExactlyElementsOf(test.subList(0, test.size() - 3));
  }

  @Test
  void protocolNames() {
    assertThat(EvalProtocol.parse("Basket")).isEqualTo(EvalProtocol.BASKET);
    assertThat(EvalProtocol.PERIOD.id()).isEqualTo("period");
    assertThatThrownBy(() -> EvalProtocol.parse("session")).isInstanceOf(IllegalArgumentException.class);
  }
}

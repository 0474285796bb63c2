package io.kerec.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EvidenceStatsTest {

  @Test
  void countsEachEntityAndPairOncePerBasketAcrossIncrementalAdds() {
    EvidenceStats stats = new EvidenceStats();
    stats.add("inv1", List.of("teacup"));
    stats.add("inv1", List.of("saucer", "teacup"));   // teacup again: ignored
    stats.add("inv1", List.of("saucer", "spoon"));    // saucer again: ignored
    stats.add("inv2", List.of("teacup", "teacup", "spoon"));
    stats.add("inv3", List.of("bag"));

    assertThat(stats.baskets()).isEqualTo(3);
    assertThat(stats.entities()).isEqualTo(4);
    assertThat(stats.basketsWith("teacup")).isEqualTo(2);
    assertThat(stats.basketsWith("saucer")).isEqualTo(1);
    assertThat(stats.basketsWith("spoon")).isEqualTo(2);
    assertThat(stats.basketsWith("unknown")).isZero();
    assertThat(stats.basketsWithBoth("teacup", "saucer")).isEqualTo(1);
    assertThat(stats.basketsWithBoth("saucer", "teacup")).isEqualTo(1);
    assertThat(stats.basketsWithBoth("teacup", "spoon")).isEqualTo(2);
    assertThat(stats.basketsWithBoth("saucer", "spoon")).isEqualTo(1);
    assertThat(stats.basketsWithBoth("bag", "teacup")).isZero();
    assertThat(stats.basketsWithBoth("teacup", "teacup")).isEqualTo(2);
    assertThat(stats.basketsWithBoth("teacup", "unknown")).isZero();
    assertThat(stats.pairs()).isEqualTo(3);
  }

  @Test
  void emptyAddDoesNotCreateABasketAndBlankEntitiesAreRejectedAtomically() {
    EvidenceStats stats = new EvidenceStats();
    stats.add("inv1", List.of());
    assertThat(stats.baskets()).isZero();
    assertThatThrownBy(() -> stats.add("inv1", Arrays.asList("teacup", " ")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> stats.add("inv1", Arrays.asList("teacup", null)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(stats.baskets()).isZero();
    assertThat(stats.basketsWith("teacup")).isZero();
  }

  @Test
  void evictsLeastRecentlyTouchedBasketAndIgnoresItsLateItems() {
    EvidenceStats stats = new EvidenceStats(2);
    stats.add("a", List.of("x"));
    stats.add("b", List.of("x"));
    stats.add("a", List.of("y"));          // touch a: b is now the eldest
    stats.add("c", List.of("x"));          // evicts b
    assertThat(stats.openBaskets()).isEqualTo(2);

    stats.add("a", List.of("z"));          // a is still open: grows
    assertThat(stats.basketsWithBoth("x", "z")).isEqualTo(1);
    assertThat(stats.basketsWithBoth("y", "z")).isEqualTo(1);

    stats.add("b", List.of("y"));          // b was evicted: ignored, not a new basket
    assertThat(stats.lateAdds()).isEqualTo(1);
    assertThat(stats.baskets()).isEqualTo(3);
    assertThat(stats.basketsWith("y")).isEqualTo(1);
    assertThat(stats.basketsWithBoth("x", "y")).isEqualTo(1);
    assertThat(stats.basketsWith("x")).isEqualTo(3);   // what b contributed stays counted

    stats.add("d", List.of("x"));          // evicts c (a was touched after c)
    stats.add("c", List.of("w"));
    assertThat(stats.lateAdds()).isEqualTo(2);
    assertThat(stats.basketsWith("w")).isZero();
    stats.add("a", List.of("w"));          // a survived both evictions
    assertThat(stats.basketsWithBoth("x", "w")).isEqualTo(1);
  }

  @Test
  void byPopularityIsDescendingCountThenName() {
    EvidenceStats stats = new EvidenceStats();
    stats.add("1", List.of("pear", "apple", "fig"));
    stats.add("2", List.of("pear", "apple"));
    stats.add("3", List.of("kiwi", "pear"));
    stats.add("4", List.of("date"));
    assertThat(stats.byPopularity()).containsExactly("pear", "apple", "date", "fig", "kiwi");
  }

  @Test
  void matchesNaiveCountingOnRandomIncrementalBaskets() {
    Random random = new Random(7);
    EvidenceStats stats = new EvidenceStats(1000);
    Map<String, Set<String>> baskets = new HashMap<>();
    // Items of 400 baskets arrive interleaved, a few at a time (up to 40 in flight); nothing is evicted.
    List<String> inFlight = new ArrayList<>();
    int next = 0;
    while (next < 400 || !inFlight.isEmpty()) {
      if (next < 400 && (inFlight.size() < 40 && random.nextInt(3) > 0 || inFlight.isEmpty())) {
        inFlight.add("b" + next++);
      }
      String key = inFlight.get(random.nextInt(inFlight.size()));
      List<String> items = new ArrayList<>();
      for (int k = random.nextInt(4); k >= 0; k--) {
        items.add("e" + (int) Math.floor(Math.pow(random.nextDouble(), 2) * 60));
      }
      stats.add(key, items);
      baskets.computeIfAbsent(key, x -> new HashSet<>()).addAll(items);
      if (random.nextInt(5) == 0) {
        inFlight.remove(key);
      }
    }
    assertThat(stats.baskets()).isEqualTo(baskets.size());
    for (int i = 0; i < 60; i++) {
      String a = "e" + i;
      assertThat(stats.basketsWith(a)).isEqualTo(baskets.values().stream().filter(s -> s.contains(a)).count());
      for (int j = i + 1; j < 60; j++) {
        String b = "e" + j;
        long expected = baskets.values().stream().filter(s -> s.contains(a) && s.contains(b)).count();
        assertThat(stats.basketsWithBoth(a, b)).as("%s & %s", a, b).isEqualTo(expected);
      }
    }
    assertThat(stats.lateAdds()).isZero();
  }

  @Test
  void handlesTwentyMillionPairIncrementsInSeconds() {
    // Shape of the real data: ~18k baskets of 20–60 distinct entities drawn from a skewed vocabulary of 4,000.
    Random random = new Random(1);
    String[] vocabulary = new String[4000];
    for (int i = 0; i < vocabulary.length; i++) {
      vocabulary[i] = "entity " + i;
    }
    EvidenceStats stats = new EvidenceStats();
    long increments = 0;
    long start = System.nanoTime();
    int basket = 0;
    while (increments < 20_000_000L) {
      String key = "inv" + basket++;
      int size = 20 + random.nextInt(41);
      Set<Integer> seen = new HashSet<>();
      for (int k = 0; k < size; k++) {
        int id = (int) (Math.pow(random.nextDouble(), 2.5) * vocabulary.length);
        stats.add(key, vocabulary[id]);   // items arrive one by one
        if (seen.add(id)) {
          increments += seen.size() - 1;
        }
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("EvidenceStats: %d baskets, %d pair increments, %d distinct pairs in %.2f s%n",
        stats.baskets(), increments, stats.pairs(), seconds);
    assertThat(stats.baskets()).isEqualTo(basket);
    assertThat(seconds).as("seconds for 20M pair increments").isLessThan(20.0);
  }
}

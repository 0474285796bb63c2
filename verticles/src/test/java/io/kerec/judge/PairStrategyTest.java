package io.kerec.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kerec.config.PairStrategyOptions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PairStrategyTest {

  private static List<String> entities(int n) {
    return IntStream.range(0, n).mapToObj(i -> "e" + i).collect(Collectors.toList());
  }

  private static List<EntityPair> all(PairStrategy s, List<String> names) {
    List<EntityPair> out = new ArrayList<>();
    s.pairs(names, p -> false).forEachRemaining(out::add);
    return out;
  }

  @Test
  void ordersBySegmentPairThenByRankSum() {
    PairStrategy s = new PairStrategy(new PairStrategyOptions(3, 2, List.of(
        List.of("head", "head"), List.of("head", "torso"), List.of("tail", "head"))));
    List<EntityPair> pairs = all(s, entities(7));   // head e0..e2, torso e3..e4, tail e5..e6
    assertThat(pairs).extracting(EntityPair::toString).containsExactly(
        // head×head by anti-diagonals, loops skipped
        "e0 -> e1", "e1 -> e0", "e0 -> e2", "e2 -> e0", "e1 -> e2", "e2 -> e1",
        // head×torso
        "e0 -> e3", "e0 -> e4", "e1 -> e3", "e1 -> e4", "e2 -> e3", "e2 -> e4",
        // tail×head
        "e5 -> e0", "e5 -> e1", "e6 -> e0", "e5 -> e2", "e6 -> e1", "e6 -> e2");
  }

  @Test
  void defaultsCoverTheDocumentedSegmentsWithoutDuplicatesOrLoops() {
    PairStrategy s = new PairStrategy(PairStrategyOptions.defaults());
    List<String> names = entities(700);   // head 100, torso 400, tail 200
    Set<EntityPair> seen = new HashSet<>();
    Iterator<EntityPair> it = s.pairs(names, p -> false);
    long count = 0;
    while (it.hasNext()) {
      EntityPair p = it.next();
      assertThat(p.isLoop()).isFalse();
      assertThat(seen.add(p)).as("duplicate %s", p).isTrue();
      count++;
    }
    PairStrategyReport report = s.report(700);
    assertThat(count).isEqualTo(report.pairs());
    long expected = 100 * 99 + 100 * 400 + 400 * 100 + 100 * 200 + 200 * 100 + 400 * 399;
    assertThat(report.pairs()).isEqualTo(expected);
    assertThat(report.allPairs()).isEqualTo(700L * 699);
    assertThat(report.fraction()).isEqualTo((double) expected / (700L * 699));
    assertThat(report.estimatedTokens()).isEqualTo((long) (expected * PairStrategy.DEFAULT_TOKENS_PER_PAIR));
    assertThat(report.pairsBySegment()).containsExactly(
        org.assertj.core.api.Assertions.entry("head>head", 9_900L),
        org.assertj.core.api.Assertions.entry("head>torso", 40_000L),
        org.assertj.core.api.Assertions.entry("torso>head", 40_000L),
        org.assertj.core.api.Assertions.entry("head>tail", 20_000L),
        org.assertj.core.api.Assertions.entry("tail>head", 20_000L),
        org.assertj.core.api.Assertions.entry("torso>torso", 159_600L));
    // No tail×tail, no torso×tail.
    assertThat(seen).doesNotContain(new EntityPair("e600", "e601"), new EntityPair("e200", "e600"));
  }

  @Test
  void skipsAlreadyJudgedPairsLazily() {
    PairStrategy s = new PairStrategy(new PairStrategyOptions(4, 0, List.of(List.of("head", "head"))));
    Set<EntityPair> judged = new HashSet<>(Set.of(new EntityPair("e0", "e1"), new EntityPair("e2", "e0")));
    Iterator<EntityPair> it = s.pairs(entities(4), judged::contains);
    assertThat(it.next()).isEqualTo(new EntityPair("e1", "e0"));
    judged.add(new EntityPair("e0", "e2"));   // judged while iterating: skipped too
    List<EntityPair> rest = new ArrayList<>();
    it.forEachRemaining(rest::add);
    assertThat(rest).doesNotContain(new EntityPair("e0", "e2"), new EntityPair("e2", "e0"));
    assertThat(rest).hasSize(12 - 3 - 1);
  }

  @Test
  void isLazyOnLargeVocabularies() {
    PairStrategy s = new PairStrategy(new PairStrategyOptions(100_000, 0, List.of(List.of("head", "head"))));
    AtomicInteger asked = new AtomicInteger();
    List<EntityPair> first = s.stream(entities(100_000), p -> {
      asked.incrementAndGet();
      return false;
    }).limit(5).collect(Collectors.toList());
    assertThat(first).hasSize(5);
    assertThat(asked.get()).isEqualTo(5);
    assertThat(s.report(100_000).pairs()).isEqualTo(100_000L * 99_999);
  }

  @Test
  void segmentsShrinkWhenThereAreFewEntities() {
    PairStrategy s = new PairStrategy(PairStrategyOptions.defaults());
    assertThat(all(s, entities(3))).hasSize(6);
    assertThat(s.report(3).pairs()).isEqualTo(6);
    assertThat(s.report(1).pairs()).isZero();
    assertThat(s.report(0).fraction()).isZero();
    assertThat(all(s, entities(0))).isEmpty();
  }

  @Test
  void rejectsBadOptions() {
    assertThatThrownBy(() -> new PairStrategyOptions(1, 1, List.of(List.of("head", "body"))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PairStrategyOptions(1, 1, List.of(List.of("head", "head"), List.of("head", "head"))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PairStrategyOptions(-1, 1, List.of(List.of("head", "head"))))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

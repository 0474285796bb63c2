package io.kerec.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.kerec.bus.Candidate;
import io.kerec.bus.Features;
import io.kerec.bus.Recommendation;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fresh slots: sold items keep the ranker's order in front; never-sold items fill the last places, the most
 * title-similar to the user's recent purchases first, then by graph evidence (base score), then by id. The
 * new-arrival slots: when the sold items shown hold too few new arrivals, the best-ranked ones beyond them take the
 * places of the last items that are not.
 */
class FreshSlotsTest {
  private static Recommender.Ranked item(String id, double score, double base, float title, boolean fresh) {
    float[] f = new float[Features.SIZE];
    f[Features.TITLE_SIMILARITY] = title;
    Candidate c = new Candidate(id, id, "complement", f, base, null, fresh);
    return new Recommender.Ranked(new Recommendation(id, id, score, "complement", null), c);
  }

  private static Recommender.Ranked arrival(String id, double score) {
    Candidate c = new Candidate(id, id, "complement", new float[Features.SIZE], 0.5, null, false, true);
    return new Recommender.Ranked(new Recommendation(id, id, score, "complement", null), c);
  }

  private static List<String> ids(List<Recommender.Ranked> shown) {
    return shown.stream().map(r -> r.recommendation().itemId()).toList();
  }

  @Test
  void titleSimilarNewItemsComeBeforeStrongerGraphEvidence() {
    List<Recommender.Ranked> ranked = List.of(
        item("S1", 0.9, 1.0, 0f, false),
        item("N-graph", 0.8, 0.9, 0f, true),
        item("S2", 0.7, 1.0, 0f, false),
        item("N-title-weak", 0.6, 0.2, 0.8f, true),
        item("S3", 0.5, 1.0, 0f, false),
        item("N-title-strong", 0.4, 0.5, 0.8f, true),
        item("N-title-best", 0.1, 0.1, 0.9f, true));

    assertThat(ids(Recommender.withSlots(ranked, 4, 1, 0))).containsExactly("S1", "S2", "S3", "N-title-best");
    assertThat(ids(Recommender.withSlots(ranked, 5, 3, 0)))
        .containsExactly("S1", "S2", "N-title-best", "N-title-strong", "N-title-weak");
    assertThat(ids(Recommender.withSlots(ranked, 6, 4, 0)))
        .containsExactly("S1", "S2", "N-title-best", "N-title-strong", "N-title-weak", "N-graph");
    assertThat(ids(Recommender.withSlots(ranked, 3, 0, 0))).containsExactly("S1", "S2", "S3");
  }

  @Test
  void withoutTitleEvidenceTheGraphDecides() {
    List<Recommender.Ranked> ranked = List.of(
        item("S1", 0.9, 1.0, 0f, false),
        item("N-weak", 0.8, 0.2, 0f, true),
        item("N-strong", 0.1, 0.7, 0f, true));
    assertThat(ids(Recommender.withSlots(ranked, 2, 1, 0))).containsExactly("S1", "N-strong");
  }

  @Test
  void newArrivalsBeyondTheTopTakeTheLastPlacesOfTheOthers() {
    List<Recommender.Ranked> ranked = List.of(
        item("S1", 0.9, 1.0, 0f, false),
        item("S2", 0.8, 1.0, 0f, false),
        arrival("A1", 0.75),
        item("S3", 0.7, 1.0, 0f, false),
        item("N", 0.6, 0.2, 0.8f, true),
        item("S4", 0.5, 1.0, 0f, false),
        arrival("A2", 0.4),
        arrival("A3", 0.3));

    // off: the ranker's order as before
    assertThat(ids(Recommender.withSlots(ranked, 4, 1, 0))).containsExactly("S1", "S2", "A1", "N");
    // one wanted and one already there: nothing moves
    assertThat(ids(Recommender.withSlots(ranked, 4, 1, 1))).containsExactly("S1", "S2", "A1", "N");
    // two wanted, one there: the best-ranked beyond (A2) takes the last non-arrival's place (S2), fresh slot stays
    assertThat(ids(Recommender.withSlots(ranked, 4, 1, 2))).containsExactly("S1", "A1", "A2", "N");
    // none among the shown: A1 is not in a top-2 without fresh slots, so it takes S2's place
    assertThat(ids(Recommender.withSlots(ranked, 2, 0, 1))).containsExactly("S1", "A1");
    // more wanted than there are places or arrivals: every place may go, and only to arrivals that exist
    assertThat(ids(Recommender.withSlots(ranked, 3, 0, 5))).containsExactly("A1", "A2", "A3");
    assertThat(ids(Recommender.withSlots(ranked, 6, 0, 9))).containsExactly("S1", "S2", "A1", "S3", "A2", "A3");
  }
}

package io.kerec.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.kerec.bus.Candidate;
import io.kerec.bus.Features;
import io.kerec.bus.Recommendation;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fresh slots: sold items keep the ranker's order in front; never-sold items fill the last places, the most
 * title-similar to the user's recent purchases first, then by graph evidence (base score), then by id.
 */
class FreshSlotsTest {
  private static Recommender.Ranked item(String id, double score, double base, float title, boolean fresh) {
    float[] f = new float[Features.SIZE];
    f[Features.TITLE_SIMILARITY] = title;
    Candidate c = new Candidate(id, id, "complement", f, base, null, fresh);
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

    assertThat(ids(Recommender.withFreshSlots(ranked, 4, 1))).containsExactly("S1", "S2", "S3", "N-title-best");
    assertThat(ids(Recommender.withFreshSlots(ranked, 5, 3)))
        .containsExactly("S1", "S2", "N-title-best", "N-title-strong", "N-title-weak");
    assertThat(ids(Recommender.withFreshSlots(ranked, 6, 4)))
        .containsExactly("S1", "S2", "N-title-best", "N-title-strong", "N-title-weak", "N-graph");
    assertThat(ids(Recommender.withFreshSlots(ranked, 3, 0))).containsExactly("S1", "S2", "S3");
  }

  @Test
  void withoutTitleEvidenceTheGraphDecides() {
    List<Recommender.Ranked> ranked = List.of(
        item("S1", 0.9, 1.0, 0f, false),
        item("N-weak", 0.8, 0.2, 0f, true),
        item("N-strong", 0.1, 0.7, 0f, true));
    assertThat(ids(Recommender.withFreshSlots(ranked, 2, 1))).containsExactly("S1", "N-strong");
  }
}

package io.kerec.judge;

import static org.assertj.core.api.Assertions.assertThat;

import io.kerec.config.EvidenceOptions;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MiniLmSubstituteDetectorTest {
  private static MiniLmSubstituteDetector detector;

  @BeforeAll
  static void load() {
    detector = new MiniLmSubstituteDetector();
  }

  @Test
  void nameVariantsScoreAboveTheDefaultThresholdAndComplementsBelow() {
    double threshold = EvidenceOptions.defaults().substituteSimilarity();
    double tent = detector.similarity("tent", "camping tent");
    double teacup = detector.similarity("teacup", "saucer");
    System.out.printf("tent/camping tent %.3f, teacup/saucer %.3f, threshold %.2f%n", tent, teacup, threshold);
    assertThat(tent).isGreaterThanOrEqualTo(threshold);
    assertThat(teacup).isLessThan(threshold);
    assertThat(detector.similarity("t-light holder", "candle")).isLessThan(threshold);
    assertThat(detector.similarity("cake stand", "cake case")).isLessThan(threshold);
  }

  @Test
  void isSymmetricCachedAndOneForIdenticalNames() {
    double ab = detector.similarity("mug", "cup");
    double ba = detector.similarity("cup", "mug");
    assertThat(ab).isEqualTo(ba);
    assertThat(ab).isBetween(0.3, 0.95);
    assertThat(detector.similarity("mug", "mug")).isEqualTo(1.0);
    int cached = detector.cached();
    detector.similarity("mug", "cup");
    assertThat(detector.cached()).isEqualTo(cached);
    detector.warm(List.of("lunch box", "cutlery"));
    assertThat(detector.cached()).isEqualTo(cached + 2);
    float[] v = detector.embedding("lunch box");
    double norm = 0;
    for (float f : v) {
      norm += f * f;
    }
    assertThat(v).hasSize(384);
    assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
  }

  @Test
  void printsTheMeasuredPairs() {
    String[][] pairs = {
        {"tent", "camping tent"}, {"teacup", "saucer"}, {"lunch box", "cutlery"}, {"cake stand", "cake case"},
        {"t-light holder", "candle"}, {"mug", "cup"}, {"bag", "jumbo bag"}};
    for (String[] p : pairs) {
      System.out.printf("similarity %-16s %-14s %.3f%n", p[0], p[1], detector.similarity(p[0], p[1]));
    }
    assertThat(detector.similarity("tent", "camping tent")).isGreaterThan(detector.similarity("bag", "jumbo bag"));
  }
}

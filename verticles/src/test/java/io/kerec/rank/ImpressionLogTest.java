package io.kerec.rank;

import static org.assertj.core.api.Assertions.assertThat;

import io.kerec.bus.Attribution;
import io.kerec.bus.CandidateIds;
import io.kerec.bus.EventType;
import io.kerec.bus.FeedbackFact;
import io.kerec.bus.Served;
import io.kerec.bus.TrainingSet;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Served features joined with exposures and clicks into labelled samples, bounded, appended as groups of their own. */
class ImpressionLogTest {
  private long ts = 1_000;

  @Test
  void exposuresOfServedItemsAreNegativesUntilTheirUserClicks() {
    ImpressionLog log = new ImpressionLog(100);
    log.served(served("u1", "A", "B", "C"));
    assertThat(log.feedback(fact(EventType.EXPOSURE, "u1", "A"))).isTrue();
    assertThat(log.feedback(fact(EventType.EXPOSURE, "u1", "B"))).isTrue();
    assertThat(log.feedback(fact(EventType.EXPOSURE, "u2", "A"))).as("never served to u2").isFalse();
    assertThat(log.feedback(fact(EventType.CLICK, "u1", "B"))).isTrue();
    assertThat(log.feedback(fact(EventType.CLICK, "u1", "B"))).as("a second click changes nothing new").isFalse();
    assertThat(log.samples()).isEqualTo(2);
    assertThat(log.positives()).isEqualTo(1);

    TrainingSet out = log.appendTo(history(), 1);
    assertThat(out.labels()).containsExactly(1f, 0f, 0f, 1f);
    assertThat(out.features()[2][0]).isEqualTo(feature("A"));
    assertThat(out.features()[3][0]).isEqualTo(feature("B"));
    assertThat(out.groups()[2]).isEqualTo(out.groups()[3]).isGreaterThan(1);
  }

  @Test
  void aClickWhoseExposureWasNeverReportedIsStillAPositiveOfWhatWasServed() {
    ImpressionLog log = new ImpressionLog(100);
    log.served(served("u1", "A", "B"));
    assertThat(log.feedback(fact(EventType.PURCHASE, "u1", "A"))).isTrue();
    assertThat(log.feedback(fact(EventType.CLICK, "u1", "Z"))).as("never served").isFalse();
    assertThat(log.samples()).isEqualTo(1);
    assertThat(log.positives()).isEqualTo(1);
  }

  @Test
  void eachServingIsAGroupAndCopiesShareTheirGroupAndIdentities() {
    ImpressionLog log = new ImpressionLog(100);
    log.served(served("u1", "A", "B"));
    log.served(served("u2", "C"));
    for (String[] shown : new String[][] {{"u1", "A"}, {"u1", "B"}, {"u2", "C"}}) {
      log.feedback(fact(EventType.EXPOSURE, shown[0], shown[1]));
    }
    TrainingSet set = new TrainingSet(new float[][] {{0}}, new float[] {1}, new int[] {7},
        new CandidateIds[] {new CandidateIds("H", null, null)}, null);
    TrainingSet out = log.appendTo(set, 2);
    assertThat(out.labels()).hasSize(1 + 2 * 3);
    assertThat(Arrays.copyOfRange(out.groups(), 1, 7)).containsExactly(8, 8, 9, 8, 8, 9);
    assertThat(out.ids()[4].itemId()).isEqualTo("A");
    assertThat(out.ids()[6].triggerEntity()).isEqualTo("trigger-C");
    assertThat(log.appendTo(set, 0)).isSameAs(set);
  }

  @Test
  void keepsOnlyTheLatestSamplesAndForgetsTheClicksOfDroppedOnes() {
    ImpressionLog log = new ImpressionLog(3);
    log.served(served("u1", "A", "B", "C"));
    log.feedback(fact(EventType.EXPOSURE, "u1", "A"));
    log.feedback(fact(EventType.CLICK, "u1", "A"));
    log.feedback(fact(EventType.EXPOSURE, "u1", "B"));
    log.feedback(fact(EventType.EXPOSURE, "u1", "C"));
    log.served(served("u1", "D"));
    log.feedback(fact(EventType.EXPOSURE, "u1", "D"));
    assertThat(log.samples()).isEqualTo(3);
    assertThat(log.positives()).isZero();
    assertThat(log.appendTo(history(), 1).labels()).containsExactly(1f, 0f, 0f, 0f, 0f);
    assertThat(log.feedback(fact(EventType.CLICK, "u1", "A")))
        .as("A's sample and its serving are gone: served items are bounded too").isFalse();
  }

  private static TrainingSet history() {
    return new TrainingSet(new float[][] {{9}, {8}}, new float[] {1, 0}, new int[] {0, 1});
  }

  private static Served served(String user, String... items) {
    return new Served(user, List.of(items).stream()
        .map(i -> new Served.ServedItem(i, new float[] {feature(i)},
            new CandidateIds(i, "trigger-" + i, "target-" + i)))
        .toList());
  }

  private static float feature(String item) {
    return item.charAt(0) - 'A' + 0.5f;
  }

  private FeedbackFact fact(EventType type, String user, String item) {
    return new FeedbackFact(type + "/" + user + "/" + item + "/" + ts, type, user, item, ts++,
        new Attribution("trigger-" + item, "target-" + item));
  }
}

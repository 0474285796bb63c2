package io.kerec.rank;

import io.kerec.bus.CandidateIds;
import io.kerec.bus.EventType;
import io.kerec.bus.FeedbackFact;
import io.kerec.bus.Served;
import io.kerec.bus.TrainingSet;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Real exposure → click samples for the E-E-I model (the paper's stage-1 data): the features each shown item was
 * ranked by are kept when it is served, an exposure of it turns them into a negative sample, and a click (or an
 * attributed purchase) of the same user and item makes that sample positive. The samples of one serving share a
 * group, so the pairwise loss ranks what was clicked above what was shown beside it. Everything is bounded: the
 * latest {@code capacity} served items and samples are kept. Not thread-safe: use it from the rank verticle's
 * context.
 */
public final class ImpressionLog {
  private final int capacity;
  private final Map<Key, Shown> served;
  private final Map<Key, Sample> open;
  private final ArrayDeque<Sample> samples = new ArrayDeque<>();
  private int nextGroup;
  private int positives;

  private record Key(String userId, String itemId) {
  }

  private record Shown(float[] features, CandidateIds ids, int group) {
  }

  private static final class Sample {
    final Key key;
    final Shown shown;
    boolean clicked;

    Sample(Key key, Shown shown) {
      this.key = key;
      this.shown = shown;
    }
  }

  /** @param capacity the most served items, and samples, kept (the oldest go first) */
  public ImpressionLog(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
    }
    this.capacity = capacity;
    this.served = bounded(capacity);
    this.open = bounded(capacity);
  }

  private static <K, V> Map<K, V> bounded(int capacity) {
    return new LinkedHashMap<>(16, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > capacity;
      }
    };
  }

  /** Remembers what a user was shown, with the features it was ranked by; one group per serving. */
  public void served(Served shown) {
    int group = nextGroup++;
    for (Served.ServedItem item : shown.items()) {
      Key key = new Key(shown.userId(), item.itemId());
      served.remove(key);
      served.put(key, new Shown(item.features(), item.ids(), group));
    }
  }

  /**
   * Turns a durable feedback event into a sample: an exposure of a served item adds a negative, a click or an
   * attributed purchase makes the user's latest sample of that item positive (or adds a positive when its exposure
   * was never reported); a second click of the same showing changes nothing.
   *
   * @return true when the event changed the samples
   */
  public boolean feedback(FeedbackFact fact) {
    Key key = new Key(fact.userId(), fact.itemId());
    if (fact.type() == EventType.EXPOSURE) {
      Shown shown = served.get(key);
      if (shown == null) {
        return false;
      }
      Sample sample = new Sample(key, shown);
      add(sample);
      open.remove(key);
      open.put(key, sample);
      return true;
    }
    Sample sample = open.get(key);
    if (sample == null) {
      Shown shown = served.get(key);
      if (shown == null) {
        return false;
      }
      sample = new Sample(key, shown);
      add(sample);
      open.put(key, sample);
    }
    if (sample.clicked) {
      return false;
    }
    sample.clicked = true;
    positives++;
    return true;
  }

  private void add(Sample sample) {
    samples.addLast(sample);
    while (samples.size() > capacity) {
      Sample dropped = samples.removeFirst();
      positives -= dropped.clicked ? 1 : 0;
      open.remove(dropped.key, dropped);
    }
  }

  /** @return samples kept */
  public int samples() {
    return samples.size();
  }

  /** @return positive samples kept */
  public int positives() {
    return positives;
  }

  /**
   * The training set with the logged samples appended {@code copies} times (a weight), in groups of their own after
   * the set's; the copies of a sample share its group, so that holding groups out never splits them. Identities go
   * along when the set has them.
   */
  public TrainingSet appendTo(TrainingSet set, int copies) {
    if (copies < 1 || samples.isEmpty()) {
      return set;
    }
    int base = set.labels().length;
    int rows = base + copies * samples.size();
    float[][] x = Arrays.copyOf(set.features(), rows);
    float[] y = Arrays.copyOf(set.labels(), rows);
    int[] groups = Arrays.copyOf(set.groups(), rows);
    CandidateIds[] ids = set.ids() == null ? null : Arrays.copyOf(set.ids(), rows);
    int offset = Arrays.stream(set.groups()).max().orElse(-1) + 1
        - samples.stream().mapToInt(s -> s.shown.group()).min().orElseThrow();
    int at = base;
    for (int copy = 0; copy < copies; copy++) {
      for (Sample s : samples) {
        x[at] = s.shown.features();
        y[at] = s.clicked ? 1f : 0f;
        groups[at] = offset + s.shown.group();
        if (ids != null) {
          ids[at] = s.shown.ids();
        }
        at++;
      }
    }
    return new TrainingSet(x, y, groups, ids, set.views());
  }
}

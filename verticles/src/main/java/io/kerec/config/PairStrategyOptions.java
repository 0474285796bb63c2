package io.kerec.config;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which directed entity pairs {@code judge.PairStrategy} proposes, and in which order. Entities are split by popularity
 * rank into segments: {@code head} = the {@code head} most popular, {@code torso} = the next {@code torso},
 * {@code tail} = the rest. Jackson binds the record from JSON by component name.
 *
 * @param head number of entities in the head segment, at least 0
 * @param torso number of entities in the torso segment, at least 0
 * @param segmentPairs (source segment, target segment) pairs in priority order, each a list of two names among
 *     {@code "head"}, {@code "torso"}, {@code "tail"}; no duplicates
 */
public record PairStrategyOptions(int head, int torso, List<List<String>> segmentPairs) {
  /** Segment names accepted in {@link #segmentPairs()}. */
  public static final List<String> SEGMENTS = List.of("head", "torso", "tail");

  /** Validates sizes and segment names, and makes {@code segmentPairs} immutable. */
  public PairStrategyOptions {
    if (head < 0 || torso < 0) {
      throw new ConfigException("judge.pairs", "head and torso must be >= 0: head=" + head + ", torso=" + torso);
    }
    Objects.requireNonNull(segmentPairs, "segmentPairs");
    if (segmentPairs.isEmpty()) {
      throw new ConfigException("judge.pairs.segmentPairs", "must not be empty");
    }
    Set<List<String>> seen = new HashSet<>();
    for (List<String> sp : segmentPairs) {
      if (sp == null || sp.size() != 2 || !SEGMENTS.contains(sp.get(0)) || !SEGMENTS.contains(sp.get(1))) {
        throw new ConfigException("judge.pairs.segmentPairs", "each must be two of " + SEGMENTS + ": " + sp);
      }
      if (!seen.add(List.copyOf(sp))) {
        throw new ConfigException("judge.pairs.segmentPairs", "duplicate segment pair: " + sp);
      }
    }
    segmentPairs = segmentPairs.stream().map(List::copyOf).toList();
  }

  /**
   * Defaults: head 100, torso 400, segment pairs head×head, head×torso, torso×head, head×tail, tail×head,
   * torso×torso. Head×head alone is 9,900 directed pairs (~0.5 M tokens at 50 tokens a pair) and covers the
   * entities that trigger most recommendations; the torso and tail pairs that involve a head entity come next;
   * torso×torso (159,600 pairs) last. Tail×tail and torso×tail are left to the co-purchase evidence.
   *
   * @return the default options
   */
  public static PairStrategyOptions defaults() {
    return new PairStrategyOptions(100, 400, List.of(
        List.of("head", "head"),
        List.of("head", "torso"),
        List.of("torso", "head"),
        List.of("head", "tail"),
        List.of("tail", "head"),
        List.of("torso", "torso")));
  }
}

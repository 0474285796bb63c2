package io.kerec.judge;

import io.kerec.config.PairStrategyOptions;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Chooses which directed entity pairs to ask about, most useful first, without ever materialising the n·(n−1)
 * candidates.
 *
 * <p>Entities ranked by popularity are cut into head / torso / tail segments ({@link PairStrategyOptions}). Pairs are
 * produced segment pair by segment pair in the configured priority order. Inside one segment pair (a rectangle of
 * source ranks × target ranks) they go by anti-diagonals: by increasing sum of the two popularity ranks, ties by
 * source rank. So the caller may stop at any time and has judged the most popular combinations; in particular A → B
 * and B → A come close together. Loops A → A are never produced.
 *
 * <p>Stateless and thread-safe; each iterator is single-threaded.
 */
public final class PairStrategy {
  /** Default LLM tokens per pair for {@link #report(int)}: ~12 prompt share, ~8 pair line, ~30 answer. */
  public static final double DEFAULT_TOKENS_PER_PAIR = 50.0;

  private final PairStrategyOptions options;

  /** @param options segment sizes and priority order */
  public PairStrategy(PairStrategyOptions options) {
    this.options = Objects.requireNonNull(options, "options");
  }

  /** @return the options in use */
  public PairStrategyOptions options() {
    return options;
  }

  /**
   * Lazily produces the directed pairs to judge.
   *
   * @param entitiesByPopularity distinct entity names, most popular first (e.g. {@link EvidenceStats#byPopularity()});
   *     not copied: do not modify it while iterating
   * @param alreadyJudged pairs to skip; evaluated lazily, when the iterator reaches the pair
   * @return an iterator over the pairs in priority order
   */
  public Iterator<EntityPair> pairs(List<String> entitiesByPopularity, Predicate<EntityPair> alreadyJudged) {
    Objects.requireNonNull(entitiesByPopularity, "entitiesByPopularity");
    Objects.requireNonNull(alreadyJudged, "alreadyJudged");
    return new PairIterator(entitiesByPopularity, rectangles(entitiesByPopularity.size()), alreadyJudged);
  }

  /**
   * Same as {@link #pairs(List, Predicate)}, as a sequential ordered stream.
   *
   * @param entitiesByPopularity distinct entity names, most popular first
   * @param alreadyJudged pairs to skip
   * @return a lazy stream of pairs in priority order
   */
  public Stream<EntityPair> stream(List<String> entitiesByPopularity, Predicate<EntityPair> alreadyJudged) {
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(pairs(entitiesByPopularity, alreadyJudged),
        Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.DISTINCT), false);
  }

  /**
   * Plan size for {@code entities} entities with {@link #DEFAULT_TOKENS_PER_PAIR}.
   *
   * @param entities number of entities
   * @return the report
   */
  public PairStrategyReport report(int entities) {
    return report(entities, DEFAULT_TOKENS_PER_PAIR);
  }

  /**
   * Plan size for {@code entities} entities (ignores pairs already judged).
   *
   * @param entities number of entities, at least 0
   * @param tokensPerPair LLM tokens per pair, at least 0
   * @return the report
   */
  public PairStrategyReport report(int entities, double tokensPerPair) {
    if (entities < 0) {
      throw new IllegalArgumentException("entities must be >= 0: " + entities);
    }
    if (!(tokensPerPair >= 0) || Double.isInfinite(tokensPerPair)) {
      throw new IllegalArgumentException("tokensPerPair must be >= 0 and finite: " + tokensPerPair);
    }
    Map<String, Long> bySegment = new LinkedHashMap<>();
    long total = 0;
    for (Rectangle r : rectangles(entities)) {
      long count = r.pairCount();
      bySegment.put(r.label, count);
      total += count;
    }
    long all = (long) entities * (entities - 1L);
    double fraction = all == 0 ? 0.0 : (double) total / all;
    long tokens = (long) Math.ceil(total * tokensPerPair);
    return new PairStrategyReport(entities, total, all, fraction, tokensPerPair, tokens, bySegment);
  }

  private List<Rectangle> rectangles(int n) {
    int headEnd = Math.min(options.head(), n);
    int torsoEnd = (int) Math.min((long) headEnd + options.torso(), n);
    List<Rectangle> result = new ArrayList<>();
    for (List<String> sp : options.segmentPairs()) {
      int[] s = range(sp.get(0), headEnd, torsoEnd, n);
      int[] t = range(sp.get(1), headEnd, torsoEnd, n);
      result.add(new Rectangle(sp.get(0) + ">" + sp.get(1), s[0], s[1], t[0], t[1]));
    }
    return result;
  }

  private static int[] range(String segment, int headEnd, int torsoEnd, int n) {
    switch (segment) {
      case "head":
        return new int[] {0, headEnd};
      case "torso":
        return new int[] {headEnd, torsoEnd};
      case "tail":
        return new int[] {torsoEnd, n};
      default:
        throw new IllegalStateException("unknown segment " + segment);
    }
  }

  /** Source ranks [s0, s1) × target ranks [t0, t1). Segments are disjoint or identical. */
  private static final class Rectangle {
    final String label;
    final int s0;
    final int s1;
    final int t0;
    final int t1;

    Rectangle(String label, int s0, int s1, int t0, int t1) {
      this.label = label;
      this.s0 = s0;
      this.s1 = s1;
      this.t0 = t0;
      this.t1 = t1;
    }

    int width() {
      return Math.max(0, s1 - s0);
    }

    int height() {
      return Math.max(0, t1 - t0);
    }

    long pairCount() {
      long w = width();
      long h = height();
      return s0 == t0 && w > 0 ? w * (h - 1) : w * h;
    }
  }

  /** Walks each rectangle by anti-diagonals: d = (source − s0) + (target − t0) ascending, then source ascending. */
  private static final class PairIterator implements Iterator<EntityPair> {
    private final List<String> names;
    private final List<Rectangle> rectangles;
    private final Predicate<EntityPair> skip;
    private int rect = -1;
    private Rectangle r;
    private int diagonal;
    private int a;
    private EntityPair next;

    PairIterator(List<String> names, List<Rectangle> rectangles, Predicate<EntityPair> skip) {
      this.names = names;
      this.rectangles = rectangles;
      this.skip = skip;
    }

    @Override
    public boolean hasNext() {
      if (next == null) {
        next = advance();
      }
      return next != null;
    }

    @Override
    public EntityPair next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      EntityPair result = next;
      next = null;
      return result;
    }

    private EntityPair advance() {
      while (true) {
        if (r == null || diagonal > r.width() + r.height() - 2) {
          if (++rect >= rectangles.size()) {
            rect = rectangles.size();
            return null;
          }
          r = rectangles.get(rect);
          diagonal = 0;
          a = 0;
          if (r.width() == 0 || r.height() == 0) {
            r = null;
            continue;
          }
        }
        // On diagonal d, a (source offset) runs from max(0, d - (h - 1)) to min(w - 1, d).
        int aMax = Math.min(r.width() - 1, diagonal);
        if (a > aMax) {
          diagonal++;
          a = Math.max(0, diagonal - (r.height() - 1));
          continue;
        }
        int source = r.s0 + a;
        int target = r.t0 + (diagonal - a);
        a++;
        if (source == target) {
          continue;
        }
        EntityPair pair = new EntityPair(names.get(source), names.get(target));
        if (!pair.isLoop() && !skip.test(pair)) {
          return pair;
        }
      }
    }
  }
}

package io.kerec.judge;

import java.util.Map;

/**
 * Size of the plan of a {@link PairStrategy} for a given number of entities (ignoring pairs already judged).
 *
 * @param entities number of entities n
 * @param pairs directed pairs the strategy generates
 * @param allPairs n·(n−1), every directed pair without loops
 * @param fraction pairs / allPairs (0 when allPairs is 0)
 * @param tokensPerPair LLM tokens assumed per pair (prompt share + answer)
 * @param estimatedTokens pairs · tokensPerPair, rounded up
 * @param pairsBySegment pairs per segment pair, in priority order, keyed like {@code "head>torso"}
 */
public record PairStrategyReport(
    int entities,
    long pairs,
    long allPairs,
    double fraction,
    double tokensPerPair,
    long estimatedTokens,
    Map<String, Long> pairsBySegment) {

  /** Makes {@code pairsBySegment} an unmodifiable copy (keeping its order). */
  public PairStrategyReport {
    pairsBySegment = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(pairsBySegment));
  }
}

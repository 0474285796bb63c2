package io.kerec.graph.recall;

/** log(1 + n) as a float feature, computed again only when the count changed. */
final class LogOfCount {
  private long count = -1;
  private float log;

  float of(long n) {
    if (n != count) {
      count = n;
      log = (float) Math.log1p(n);
    }
    return log;
  }
}

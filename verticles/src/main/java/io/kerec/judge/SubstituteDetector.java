package io.kerec.judge;

/**
 * Tells how close two entity names are in meaning. Very similar names ("tent" / "camping tent") are variants of
 * the same thing — substitutes — even when they are often bought together.
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface SubstituteDetector {

  /**
   * @param a an entity name
   * @param b another entity name
   * @return similarity in [-1, 1] (cosine); 1 for identical names
   */
  double similarity(String a, String b);

  /** A detector that never sees a substitute (similarity 0 for different names), for tests and ablations. */
  static SubstituteDetector none() {
    return (a, b) -> a.equals(b) ? 1.0 : 0.0;
  }
}

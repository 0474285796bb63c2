package io.kerec.eval;

import java.util.Locale;

/**
 * How test purchases become evaluation cases; see {@link EvalCases#build} for the exact rules.
 *
 * <ul>
 *   <li>{@link #PERIOD}: one case per user, asked once at the split cut, with the whole test period as the
 *       answer (items the user buys after the cut and had never bought before it).</li>
 *   <li>{@link #BASKET}: one case per test invoice (basket), asked just before it, with the engine having
 *       seen every earlier purchase; the answer is the invoice's items that are new to the user.</li>
 * </ul>
 */
public enum EvalProtocol {
  PERIOD,
  BASKET;

  /** Lower-case name used in reports and on the command line: {@code period}, {@code basket}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses {@link #id()} (case-insensitive).
   *
   * @throws IllegalArgumentException for any other name
   */
  public static EvalProtocol parse(String s) {
    for (EvalProtocol p : values()) {
      if (p.id().equalsIgnoreCase(s.strip())) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown evaluation protocol '" + s + "', expected period or basket");
  }
}

package io.kerec.eval;

import io.kerec.dataset.Purchase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One question put to a recommender: "at {@code at}, what should {@code userId} buy next?", with the answer.
 *
 * <p>Everything a method may use is strictly before {@code at}: {@code recentHistory} and {@code bought} are
 * built from the user's purchases with {@code ts < at}. {@code targets} and {@code coldTargets} are the
 * answer and must not be shown to the method. The sets are unmodifiable and iterate in item-id order.
 *
 * @param userId        the user asked for
 * @param caseId        unique within a protocol run: the user id ({@link EvalProtocol#PERIOD}) or the
 *                      invoice / basket id ({@link EvalProtocol#BASKET})
 * @param at            when the question is asked: the split cut (period) or the invoice time (basket)
 * @param recentHistory the user's last distinct items before {@code at}, most recent first (items of one
 *                      basket: later lines first), at most the {@code historyItems} asked for
 * @param bought        every item the user bought before {@code at}; recommenders exclude these
 * @param targets       items the user bought in the answer window and had not bought before {@code at};
 *                      never empty
 * @param coldTargets   the targets that never sold in training (a subset of {@code targets}, often empty)
 * @param feedBefore    {@link EvalProtocol#BASKET}: the test purchases of all users that the engine has not
 *                      been fed yet and that happened before {@code at} (time order); an engine runner feeds
 *                      exactly these, in order, then asks this case. {@link EvalProtocol#PERIOD}: empty
 * @param historyTimes  when the user last bought each {@code recentHistory} item (same length and order), or
 *                      empty when unknown; see {@link #recencyRanks()}
 */
public record EvalCase(String userId, String caseId, Instant at, List<String> recentHistory, Set<String> bought,
    Set<String> targets, Set<String> coldTargets, List<Purchase> feedBefore, List<Instant> historyTimes) {

  /** A case without history times: {@link #recencyRanks()} is then the history positions 0, 1, 2, ... */
  public EvalCase(String userId, String caseId, Instant at, List<String> recentHistory, Set<String> bought,
      Set<String> targets, Set<String> coldTargets, List<Purchase> feedBefore) {
    this(userId, caseId, at, recentHistory, bought, targets, coldTargets, feedBefore, List.of());
  }

  public EvalCase {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(caseId, "caseId");
    Objects.requireNonNull(at, "at");
    recentHistory = List.copyOf(recentHistory);
    bought = sorted(bought);
    targets = sorted(targets);
    coldTargets = sorted(coldTargets);
    feedBefore = List.copyOf(feedBefore);
    historyTimes = List.copyOf(historyTimes);
    if (!historyTimes.isEmpty() && historyTimes.size() != recentHistory.size()) {
      throw new IllegalArgumentException("historyTimes must be empty or as long as recentHistory: " + caseId);
    }
    if (!targets.containsAll(coldTargets)) {
      throw new IllegalArgumentException("coldTargets must be a subset of targets: " + caseId);
    }
  }

  /** An unmodifiable hash set that iterates in item-id order, whatever the JVM (unlike {@code Set.copyOf}). */
  private static Set<String> sorted(Set<String> items) {
    List<String> ids = new ArrayList<>(items);
    ids.sort(null);
    return Collections.unmodifiableSet(new LinkedHashSet<>(ids));
  }

  /**
   * Recency rank of each {@code recentHistory} entry, used to weight history items (1/(rank+1) in the
   * baselines): 0 for the items of the user's most recent purchase time, 1 for those of the next most recent
   * distinct time, and so on (a dense rank over {@link #historyTimes()}, so the lines of one invoice share a
   * rank). Without history times, the positions 0, 1, 2, ...
   */
  public int[] recencyRanks() {
    int[] ranks = new int[recentHistory.size()];
    int rank = 0;
    for (int i = 0; i < ranks.length; i++) {
      if (historyTimes.isEmpty()) {
        ranks[i] = i;
      } else {
        if (i > 0 && !historyTimes.get(i).equals(historyTimes.get(i - 1))) {
          rank++;
        }
        ranks[i] = rank;
      }
    }
    return ranks;
  }

  /** True when at least one target never sold in training. */
  public boolean hasColdTarget() {
    return !coldTargets.isEmpty();
  }
}

package io.kerec.graph.recall;

import io.kerec.graph.recall.CoOccurrence.IntList;
import io.kerec.entity.TitleNormaliser;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * TF-IDF cosine similarity of item titles over the catalogue, with every word of a title (the product line and
 * theme words that entity extraction drops, such as "spaceboy" or "home sweet home", included). It is what a
 * never-sold item has besides its entity: a shop's new items mostly extend lines its customers already buy.
 * Words are the {@link TitleNormaliser}'s; a word in every title weighs nothing. Items are dense int indexes owned
 * by the caller. Not thread-safe.
 */
final class TitleIndex {
  /** Receives one similar item and its cosine. */
  interface Sink {
    void accept(int item, double cosine);
  }

  private static final Set<String> FUNCTION_WORDS = Set.of("a", "and", "of", "the", "with", "in", "for", "on");

  private final TitleNormaliser normaliser = TitleNormaliser.withoutAbbreviations();
  /** A word of the catalogue: the items whose titles have it, and its weight as of the last refresh. */
  private static final class Word {
    final String text;
    final IntList items = new IntList();
    double weight;

    Word(String text) {
      this.text = text;
    }
  }

  private static final Word[] NO_WORDS = new Word[0];
  private final List<Word[]> words = new ArrayList<>();
  private final Map<String, Word> postings = new HashMap<>();
  private double[] norms = new double[0];
  private int titled;
  private boolean dirty;
  private double[] scratch = new double[16];

  /** Indexes (or re-indexes) an item's title. */
  void put(int item, String title) {
    while (words.size() <= item) {
      words.add(NO_WORDS);
    }
    Word[] old = words.get(item);
    for (Word w : old) {
      removePosting(w, item);
    }
    Set<String> distinct = new LinkedHashSet<>(normaliser.tokens(title));
    distinct.removeAll(FUNCTION_WORDS);
    Word[] now = new Word[distinct.size()];
    int i = 0;
    for (String w : distinct) {
      Word word = postings.computeIfAbsent(w, Word::new);
      word.items.add(item);
      now[i++] = word;
    }
    titled += (now.length > 0 ? 1 : 0) - (old.length > 0 ? 1 : 0);
    words.set(item, now);
    dirty = true;
  }

  /**
   * Calls {@code sink} with every item that shares a word with {@code item} and passes {@code admit}, and its
   * cosine similarity to {@code item} (in (0, 1]).
   */
  void forEachSimilar(int item, IntPredicate admit, Sink sink) {
    if (item >= words.size() || words.get(item).length == 0) {
      return;
    }
    refresh();
    if (scratch.length < words.size()) {
      scratch = new double[words.size() * 2];
    }
    IntList touched = new IntList();
    for (Word w : words.get(item)) {
      double weight = w.weight;
      if (weight == 0) {
        continue;
      }
      IntList list = w.items;
      for (int p = 0; p < list.size; p++) {
        int other = list.values[p];
        if (other == item || !admit.test(other)) {
          continue;
        }
        if (scratch[other] == 0) {
          touched.add(other);
        }
        scratch[other] += weight * weight;
      }
    }
    double own = norms[item];
    for (int t = 0; t < touched.size; t++) {
      int other = touched.values[t];
      double dot = scratch[other];
      scratch[other] = 0;
      sink.accept(other, Math.min(1.0, dot / (own * norms[other])));
    }
  }

  private void removePosting(Word word, int item) {
    IntList list = word.items;
    int kept = 0;
    for (int i = 0; i < list.size; i++) {
      if (list.values[i] != item) {
        list.values[kept++] = list.values[i];
      }
    }
    list.size = kept;
    if (kept == 0) {
      postings.remove(word.text);
    }
  }

  /** Inverse document frequencies ln(N / df) and title norms, recomputed after the catalogue changed. */
  private void refresh() {
    if (!dirty) {
      return;
    }
    postings.values().forEach(w -> w.weight = Math.log((double) titled / w.items.size));
    norms = new double[words.size()];
    for (int i = 0; i < norms.length; i++) {
      double sum = 0;
      for (Word w : words.get(i)) {
        double weight = w.weight;
        sum += weight * weight;
      }
      norms[i] = Math.sqrt(sum);
    }
    dirty = false;
  }
}

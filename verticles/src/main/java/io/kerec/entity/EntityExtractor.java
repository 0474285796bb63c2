package io.kerec.entity;

import java.util.List;

/** Maps an item title to the unified concepts ("entities") it is an instance of. Implementations are thread-safe. */
public interface EntityExtractor {
  /**
   * The entities of one title.
   *
   * @param title raw item title, e.g. {@code ROSES REGENCY TEACUP AND SAUCER}; may be null
   * @return distinct lower-case singular entity names, main concept first, e.g. {@code [teacup, saucer]};
   *     at least one for any title that keeps a word after normalisation, empty for a blank or word-less title
   */
  List<String> extract(String title);
}

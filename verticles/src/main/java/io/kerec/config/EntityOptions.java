package io.kerec.config;

/**
 * Entity extraction: the dictionary file (canonical entities with synonyms, drop words); null uses the bundled
 * {@code conf/entities.json}. {@code compoundMinTitles}: a two-word title ending counts as a compound concept
 * once that many distinct titles end with it.
 */
public record EntityOptions(String dictionary, int compoundMinTitles) {
  static EntityOptions defaults() {
    return new EntityOptions(null, 3);
  }

  void validate() {
    Require.range("entities.compoundMinTitles", compoundMinTitles, 1, 10_000);
  }
}

package io.kerec.entity;

import java.util.Collection;

/**
 * Builds the standard extractor: dictionary entities first, the head-concept rule as fallback.
 *
 * <p>For a title it:
 * <ol>
 *   <li>normalises the text ({@link TitleNormaliser});
 *   <li>keeps what comes before the first cut word as the main text, so {@code LUNCH BOX WITH CUTLERY} is about the
 *       lunch box, and splits the main text at split words into parts, so {@code TEACUP AND SAUCER} names two
 *       products (cut and split words inside a dictionary phrase such as {@code salt and pepper} do neither);
 *   <li>gives each part its dictionary entity, the longest synonym found anywhere in the part. An entity inside a
 *       longer drop phrase does not count ({@code flag} in {@code union flag}). When a part names several entities,
 *       those whose words are also listed as motifs ({@code mirror}, {@code christmas tree}) give way to the others;
 *       of the rest, the first wins when it leads the part and description follows it ({@code DOORMAT UNION FLAG},
 *       {@code T-LIGHT HOLDER SILVER SAUCER}), otherwise the last, as English compounds are head-final
 *       ({@code WATERING CAN GARDEN MARKER});
 *   <li>uses {@link HeadConceptExtractor} for parts without a dictionary entity, but only when no part of the title
 *       has one: next to a dictionary entity such a part is a theme ({@code GIN AND TONIC MUG},
 *       {@code CARD DOG AND BALL});
 *   <li>stops after a part whose entity is followed by more words: what comes next belongs to the design name
 *       ({@code RIBBON REEL SOCKS AND MITTENS} is a ribbon);
 *   <li>when the main text gives nothing, tries the text after the cut word ({@code WHITE WITH METAL BAG CHARM}),
 *       and at last takes the title's last word, so every title with a word has an entity.
 * </ol>
 *
 * <p>Entities come out main part first, one per part: the other entities of a part are nearly always motifs or
 * materials ({@code JAM JAR T-LIGHT HOLDER}), and a wrong entity costs more in the knowledge graph than a missing
 * one. Extractors are immutable and thread-safe.
 */
public final class EntityExtractors {
  private EntityExtractors() {
  }

  /** Dictionary-first extractor whose head-concept fallback knows only the dictionary's compounds. */
  public static EntityExtractor create(EntityDictionary dictionary) {
    return new DictionaryFirstExtractor(dictionary, new HeadConceptExtractor(dictionary));
  }

  /**
   * Dictionary-first extractor whose head-concept fallback also knows the compounds learned from the catalogue
   * (suffixes of at least {@value HeadConceptExtractor#DEFAULT_MIN_TITLES} distinct titles).
   */
  public static EntityExtractor create(EntityDictionary dictionary, Collection<String> catalogTitles) {
    return create(dictionary, catalogTitles, HeadConceptExtractor.DEFAULT_MIN_TITLES);
  }

  /** Like {@link #create(EntityDictionary, Collection)} with a chosen learning threshold. */
  public static EntityExtractor create(EntityDictionary dictionary, Collection<String> catalogTitles, int minTitles) {
    return new DictionaryFirstExtractor(dictionary, new HeadConceptExtractor(dictionary, catalogTitles, minTitles));
  }
}

package io.kerec.entity;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Names the product of a title part by its head noun, for titles the dictionary does not cover.
 *
 * <p>English product names put the head last ({@code GLASS STORAGE JAR}), so the rule drops the dictionary's drop
 * words (colours, themes, motifs, materials, sizes, pack words), takes the last remaining word as head, and keeps the
 * word before it as a modifier when the two form a compound that is a dictionary entity or was learned from the
 * catalogue ({@code lunch bag} rather than {@code bag}). When only drop words are left and one of them is a motif, the
 * last motif is the product ({@code WHITE WICKER HEART} is a heart). A head that is a dictionary synonym comes out as
 * its canonical name.
 *
 * <p>Learning: every title of the catalogue is cut into parts like at extraction time; for each part with two or more
 * remaining words the last two form a suffix. A suffix seen in at least {@code minTitles} distinct (normalised) titles
 * becomes a known compound.
 *
 * <p>Immutable and thread-safe.
 */
public final class HeadConceptExtractor implements EntityExtractor {
  /** Fewest distinct titles a two-word suffix must end to be learned as a compound. */
  public static final int DEFAULT_MIN_TITLES = 3;

  private final EntityDictionary dictionary;
  private final TitleAnalyser analyser;
  private final int minTitles;
  private final Set<String> learnedCompounds;

  /** A head-concept rule that knows only the dictionary's compounds. */
  public HeadConceptExtractor(EntityDictionary dictionary) {
    this(dictionary, List.of(), DEFAULT_MIN_TITLES);
  }

  /** A head-concept rule that learns compounds seen in at least {@value #DEFAULT_MIN_TITLES} catalogue titles. */
  public HeadConceptExtractor(EntityDictionary dictionary, Collection<String> catalogTitles) {
    this(dictionary, catalogTitles, DEFAULT_MIN_TITLES);
  }

  /**
   * A head-concept rule that learns compounds from the catalogue with the given threshold.
   *
   * @param dictionary drop words, split and cut words, known compounds
   * @param catalogTitles raw titles of the catalogue to learn compounds from; duplicates count once
   * @param minTitles fewest distinct titles a two-word suffix must end to be learned, at least 1
   */
  public HeadConceptExtractor(EntityDictionary dictionary, Collection<String> catalogTitles, int minTitles) {
    if (minTitles < 1) {
      throw new IllegalArgumentException("minTitles must be at least 1, was " + minTitles);
    }
    this.dictionary = dictionary;
    this.analyser = new TitleAnalyser(dictionary);
    this.minTitles = minTitles;
    this.learnedCompounds = learn(catalogTitles);
  }

  /** Two-word compounds learned from the catalogue, e.g. {@code lunch bag}. */
  public Set<String> learnedCompounds() {
    return learnedCompounds;
  }

  /** Fewest distinct titles a suffix had to end to be learned. */
  public int minTitles() {
    return minTitles;
  }

  /** The head concept of each product part of the title, main part first; dictionary entities are not looked for. */
  @Override
  public List<String> extract(String title) {
    Set<String> entities = new LinkedHashSet<>();
    for (TitleAnalyser.Part part : analyser.parts(dictionary.normaliser().tokens(title))) {
      headConcept(part.tokens()).ifPresent(entities::add);
    }
    return List.copyOf(entities);
  }

  /**
   * The head concept of one title part.
   *
   * @param words normalised words of the part (see {@link TitleNormaliser#tokens(String)})
   * @return the head word, or modifier and head when they form a known compound; the last motif when only drop
   *     words are left; empty when nothing but non-motif drop words is left
   */
  public Optional<String> headConcept(List<String> words) {
    List<String> content = contentWords(words);
    if (content.isEmpty()) {
      return lastMotif(words);
    }
    String head = content.get(content.size() - 1);
    if (content.size() > 1) {
      String compound = knownCompound(content.get(content.size() - 2), head);
      if (compound != null) {
        return Optional.of(compound);
      }
    }
    return Optional.of(canonical(List.of(head)));
  }

  private String canonical(List<String> words) {
    String entity = dictionary.entityIndex().get(words);
    return entity != null ? entity : String.join(" ", words);
  }

  private String knownCompound(String modifier, String head) {
    String entity = dictionary.entityIndex().get(List.of(modifier, head));
    if (entity != null) {
      return entity;
    }
    String compound = modifier + " " + head;
    return learnedCompounds.contains(compound) ? compound : null;
  }

  private List<String> contentWords(List<String> words) {
    boolean[] dropped = droppedWords(words);
    List<String> content = new ArrayList<>(words.size());
    for (int i = 0; i < words.size(); i++) {
      String word = words.get(i);
      if (!dropped[i] && !dictionary.cutWords().contains(word) && !dictionary.splitWords().contains(word)) {
        content.add(word);
      }
    }
    return content;
  }

  private boolean[] droppedWords(List<String> words) {
    boolean[] dropped = new boolean[words.size()];
    for (PhraseIndex.Match<String> match : dictionary.dropWordIndex().matches(words)) {
      for (int i = match.start(); i < match.end(); i++) {
        dropped[i] = true;
      }
    }
    return dropped;
  }

  private Optional<String> lastMotif(List<String> words) {
    List<PhraseIndex.Match<String>> drops = dictionary.dropWordIndex().matches(words);
    for (int i = drops.size() - 1; i >= 0; i--) {
      PhraseIndex.Match<String> match = drops.get(i);
      if (EntityDictionary.MOTIF_CATEGORY.equals(match.value())) {
        return Optional.of(canonical(words.subList(match.start(), match.end())));
      }
    }
    return Optional.empty();
  }

  private Set<String> learn(Collection<String> catalogTitles) {
    Set<List<String>> titles = new HashSet<>();
    for (String title : catalogTitles) {
      List<String> tokens = dictionary.normaliser().tokens(title);
      if (!tokens.isEmpty()) {
        titles.add(tokens);
      }
    }
    Map<String, Integer> titlesBySuffix = new HashMap<>();
    for (List<String> tokens : titles) {
      Set<String> suffixes = new HashSet<>(2);
      for (TitleAnalyser.Part part : analyser.parts(tokens)) {
        List<String> content = contentWords(part.tokens());
        if (content.size() > 1) {
          suffixes.add(content.get(content.size() - 2) + " " + content.get(content.size() - 1));
        }
      }
      suffixes.forEach(suffix -> titlesBySuffix.merge(suffix, 1, Integer::sum));
    }
    return titlesBySuffix.entrySet().stream()
        .filter(entry -> entry.getValue() >= minTitles)
        .map(Map.Entry::getKey)
        .collect(Collectors.toUnmodifiableSet());
  }
}

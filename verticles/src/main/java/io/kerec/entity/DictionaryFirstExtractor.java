package io.kerec.entity;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Dictionary entities first, the head-concept rule where a part has none, one entity per part.
 * See {@link EntityExtractors} for the rules.
 */
final class DictionaryFirstExtractor implements EntityExtractor {
  private final EntityDictionary dictionary;
  private final TitleAnalyser analyser;
  private final HeadConceptExtractor headConcepts;

  DictionaryFirstExtractor(EntityDictionary dictionary, HeadConceptExtractor headConcepts) {
    this.dictionary = dictionary;
    this.analyser = new TitleAnalyser(dictionary);
    this.headConcepts = headConcepts;
  }

  @Override
  public List<String> extract(String title) {
    List<String> tokens = dictionary.normaliser().tokens(title);
    if (tokens.isEmpty()) {
      return List.of();
    }
    Set<String> entities = new LinkedHashSet<>();
    List<String> rest = tokens;
    while (entities.isEmpty() && !rest.isEmpty()) {
      TitleAnalyser.Analysis analysis = analyser.analyse(rest);
      entities.addAll(partEntities(analysis.parts()));
      rest = analysis.remainder();
    }
    if (entities.isEmpty()) {
      entities.add(lastWord(tokens));
    }
    return List.copyOf(entities);
  }

  private List<String> partEntities(List<TitleAnalyser.Part> parts) {
    boolean anyDictionaryEntity = parts.stream().anyMatch(part -> !part.entities().isEmpty());
    List<String> entities = new ArrayList<>(parts.size());
    for (TitleAnalyser.Part part : parts) {
      if (!part.entities().isEmpty()) {
        PhraseIndex.Match<String> main = mainEntity(part);
        entities.add(main.value());
        if (main.end() < part.tokens().size()) {
          break;
        }
      } else if (!anyDictionaryEntity) {
        headConcepts.headConcept(part.tokens()).ifPresent(entities::add);
      }
    }
    return entities;
  }

  private PhraseIndex.Match<String> mainEntity(TitleAnalyser.Part part) {
    List<PhraseIndex.Match<String>> candidates = new ArrayList<>(part.entities().size());
    for (PhraseIndex.Match<String> match : part.entities()) {
      if (!isMotif(part.tokens(), match)) {
        candidates.add(match);
      }
    }
    if (candidates.isEmpty()) {
      candidates = part.entities();
    }
    PhraseIndex.Match<String> first = candidates.get(0);
    if (candidates.size() == 1) {
      return first;
    }
    boolean leadsPart = onlyDropWords(part.tokens().subList(0, first.start()));
    boolean describedAfter = candidates.get(1).start() > first.end();
    return leadsPart && describedAfter ? first : candidates.get(candidates.size() - 1);
  }

  private boolean isMotif(List<String> tokens, PhraseIndex.Match<String> match) {
    String phrase = String.join(" ", tokens.subList(match.start(), match.end()));
    Optional<String> category = dictionary.dropWordCategory(phrase);
    return category.isPresent() && category.get().equals(EntityDictionary.MOTIF_CATEGORY);
  }

  private boolean onlyDropWords(List<String> span) {
    int dropped = 0;
    for (PhraseIndex.Match<String> match : dictionary.dropWordIndex().matches(span)) {
      dropped += match.end() - match.start();
    }
    return dropped == span.size();
  }

  private String lastWord(List<String> tokens) {
    for (int i = tokens.size() - 1; i >= 0; i--) {
      String token = tokens.get(i);
      if (!dictionary.cutWords().contains(token) && !dictionary.splitWords().contains(token)) {
        return token;
      }
    }
    return tokens.get(tokens.size() - 1);
  }
}

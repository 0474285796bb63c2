package io.kerec.entity;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a normalised title into product parts. Everything from the first cut word on is the remainder; the rest is
 * split at split words. Cut and split words inside a dictionary entity or drop phrase ({@code chest of drawers},
 * {@code charlie and lola}) neither cut nor split. An entity inside a longer drop phrase is no entity
 * ({@code flag} in {@code union flag}).
 */
final class TitleAnalyser {
  record Part(List<String> tokens, List<PhraseIndex.Match<String>> entities) {
  }

  record Analysis(List<Part> parts, List<String> remainder) {
  }

  private final EntityDictionary dictionary;

  TitleAnalyser(EntityDictionary dictionary) {
    this.dictionary = dictionary;
  }

  Analysis analyse(List<String> tokens) {
    List<PhraseIndex.Match<String>> dropPhrases = dictionary.dropWordIndex().matches(tokens);
    List<PhraseIndex.Match<String>> entities = new ArrayList<>();
    for (PhraseIndex.Match<String> entity : dictionary.entityIndex().matches(tokens)) {
      if (dropPhrases.stream().noneMatch(drop -> encloses(drop, entity))) {
        entities.add(entity);
      }
    }
    boolean[] inPhrase = new boolean[tokens.size()];
    entities.forEach(match -> mark(inPhrase, match));
    dropPhrases.forEach(match -> mark(inPhrase, match));
    int start = 0;
    while (start < tokens.size() && !inPhrase[start] && isConnective(tokens.get(start))) {
      start++;
    }
    int end = start;
    while (end < tokens.size() && (inPhrase[end] || !dictionary.cutWords().contains(tokens.get(end)))) {
      end++;
    }
    List<Part> parts = new ArrayList<>(2);
    int partStart = start;
    for (int i = start; i <= end; i++) {
      if (i == end || (!inPhrase[i] && dictionary.splitWords().contains(tokens.get(i)))) {
        if (i > partStart) {
          parts.add(part(tokens, entities, partStart, i));
        }
        partStart = i + 1;
      }
    }
    List<String> remainder = end < tokens.size() ? tokens.subList(end + 1, tokens.size()) : List.of();
    return new Analysis(parts, remainder);
  }

  List<Part> parts(List<String> tokens) {
    return analyse(tokens).parts();
  }

  private boolean isConnective(String token) {
    return dictionary.cutWords().contains(token) || dictionary.splitWords().contains(token);
  }

  private static Part part(List<String> tokens, List<PhraseIndex.Match<String>> entities, int start, int end) {
    List<PhraseIndex.Match<String>> inside = new ArrayList<>();
    for (PhraseIndex.Match<String> match : entities) {
      if (match.start() >= start && match.end() <= end) {
        inside.add(new PhraseIndex.Match<>(match.value(), match.start() - start, match.end() - start));
      }
    }
    return new Part(List.copyOf(tokens.subList(start, end)), List.copyOf(inside));
  }

  private static boolean encloses(PhraseIndex.Match<String> outer, PhraseIndex.Match<String> inner) {
    return outer.start() <= inner.start() && inner.end() <= outer.end()
        && outer.end() - outer.start() > inner.end() - inner.start();
  }

  private static void mark(boolean[] inPhrase, PhraseIndex.Match<String> match) {
    for (int i = match.start(); i < match.end(); i++) {
      inPhrase[i] = true;
    }
  }
}

package io.kerec.entity;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Phrases of normalised words, each with a value, found in a token list by leftmost-longest match.
 * Hyphens count as word breaks on both sides, so {@code t-light holder} and {@code t light holder} are one phrase,
 * but a match never starts or ends inside a hyphenated token. Built once, then read-only and thread-safe.
 */
final class PhraseIndex<V> {
  record Match<V>(V value, int start, int end) {
  }

  private static final class Node<V> {
    private final Map<String, Node<V>> children = new HashMap<>(4);
    private V value;
  }

  private final Node<V> root = new Node<>();

  PhraseIndex(Map<String, V> phrases) {
    phrases.forEach((phrase, value) -> {
      Node<V> node = root;
      for (String piece : phrase.split(" ")) {
        node = node.children.computeIfAbsent(piece, unused -> new Node<>());
      }
      node.value = value;
    });
  }

  static String key(List<String> tokens) {
    return String.join(" ", tokens).replace('-', ' ');
  }

  V get(List<String> tokens) {
    Node<V> node = root;
    for (String token : tokens) {
      for (String piece : pieces(token)) {
        node = node.children.get(piece);
        if (node == null) {
          return null;
        }
      }
    }
    return node.value;
  }

  List<Match<V>> matches(List<String> tokens) {
    if (root.children.isEmpty() || tokens.isEmpty()) {
      return List.of();
    }
    List<String> pieces = new ArrayList<>(tokens.size() + 4);
    int[] tokenOfPiece = new int[tokens.size() * 2 + 4];
    for (int t = 0; t < tokens.size(); t++) {
      for (String piece : pieces(tokens.get(t))) {
        if (pieces.size() == tokenOfPiece.length) {
          tokenOfPiece = Arrays.copyOf(tokenOfPiece, tokenOfPiece.length * 2);
        }
        tokenOfPiece[pieces.size()] = t;
        pieces.add(piece);
      }
    }
    int count = pieces.size();
    List<Match<V>> matches = new ArrayList<>();
    int start = 0;
    while (start < count) {
      Node<V> node = root;
      int matchedLast = -1;
      V matchedValue = null;
      for (int i = start; i < count; i++) {
        node = node.children.get(pieces.get(i));
        if (node == null) {
          break;
        }
        boolean endsToken = i == count - 1 || tokenOfPiece[i + 1] != tokenOfPiece[i];
        if (node.value != null && endsToken) {
          matchedLast = i;
          matchedValue = node.value;
        }
      }
      if (matchedLast >= 0) {
        matches.add(new Match<>(matchedValue, tokenOfPiece[start], tokenOfPiece[matchedLast] + 1));
        start = matchedLast + 1;
      } else {
        int token = tokenOfPiece[start];
        while (start < count && tokenOfPiece[start] == token) {
          start++;
        }
      }
    }
    return matches;
  }

  private static String[] pieces(String token) {
    return token.indexOf('-') < 0 ? new String[] {token} : token.split("-");
  }
}

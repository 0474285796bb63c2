package io.kerec.entity;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a raw item title into lower-case singular words, the form every entity lookup works on.
 *
 * <p>In order: lower case; remove pack and size expressions ({@code set/6}, {@code s/3}, {@code pack of 72},
 * {@code set of 4}, {@code 3 tier}, {@code 6pc}, {@code x2}, {@code 30x40cm}, {@code £10.00}); split into words at
 * whitespace and punctuation, keeping a hyphen inside a word ({@code t-light}); expand abbreviations, whose keys may
 * hold {@code / ' .} ({@code hldr}, {@code c/cover}, {@code b'fly}); strip remaining digits, keeping letters of two or
 * more that were glued to them ({@code 20light} gives {@code light}, {@code a4} and {@code set3} give nothing); drop a
 * possessive {@code 's} and other apostrophes; singularise each word.
 *
 * <p>The ampersand and the plus sign become the word {@code and}, since they join two products the same way
 * ({@code EGG WARMER + EGG CUP}).
 *
 * <p>Immutable and thread-safe.
 */
public final class TitleNormaliser {
  private static final String AND = "and";

  private static final Pattern WORD_BREAK = Pattern.compile("[./]");
  private static final Pattern DIGITS_AND_BREAKS = Pattern.compile("[\\p{N}./]+");
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");
  private static final Pattern MONEY = Pattern.compile("[£$€]\\s*\\d+(?:[.,]\\d+)?");
  private static final String COUNTED_CONTAINER =
      "(?:set|pack|pk|packet|box|bag|tube|tin|jar|tub|bundle|roll|card|sheet|pair|strand|string|bucket|"
          + "bottle|bunch|crate|case|sack|reel|tray)";
  private static final Pattern PACK_EXPRESSION = Pattern.compile(String.join("|",
      "\\b" + COUNTED_CONTAINER + "s?\\s*/\\s*\\d+\\b",
      "\\bs\\s*/\\s*\\d+\\b",
      "\\b" + COUNTED_CONTAINER + "s?\\s+of\\s+\\d+\\b",
      "\\b\\d+\\s*(?:tiers?|pcs?|pieces?|ply|pks?|packs?|sets?)\\b",
      "\\b\\d+(?:[.,]\\d+)?\\s*(?:cm|mm|m|in|inch|inches|\")?\\s*x\\s*\\d+(?:[.,]\\d+)?"
          + "(?:\\s*(?:cm|mm|m|in|inch|inches|\"))?(?:\\s*x\\s*\\d+(?:[.,]\\d+)?(?:\\s*(?:cm|mm|m|in|\"))?)?",
      "\\bx\\s*\\d+\\b",
      "\\b\\d+\\s*x\\b",
      "\\b\\d+(?:[.,]\\d+)?\\s+(?:cm|mm|ml|cl|kg|inch|inches|litre|litres|oz)\\b"));
  private static final Pattern RAW_TOKEN = Pattern.compile("[\\p{L}\\p{N}]+(?:['./-][\\p{L}\\p{N}]+)*|[&+]");
  private static final Set<String> INVARIANT = Set.of(
      "christmas", "xmas", "canvas", "atlas", "vegas", "texas", "always", "news", "series", "species", "lens",
      "scissors", "tongs", "pliers", "tweezers", "binoculars", "trousers", "jeans", "pyjamas", "leggings",
      "tights", "secateurs", "clothes", "sunglasses", "goggles", "mathematics", "physics", "ludo", "ps");
  private static final Map<String, String> IRREGULAR = Map.ofEntries(
      Map.entry("men", "man"), Map.entry("women", "woman"), Map.entry("children", "child"),
      Map.entry("mice", "mouse"), Map.entry("geese", "goose"), Map.entry("feet", "foot"),
      Map.entry("teeth", "tooth"), Map.entry("leaves", "leaf"), Map.entry("knives", "knife"),
      Map.entry("shelves", "shelf"), Map.entry("wolves", "wolf"), Map.entry("scarves", "scarf"),
      Map.entry("halves", "half"), Map.entry("loaves", "loaf"), Map.entry("wives", "wife"),
      Map.entry("lives", "life"), Map.entry("calves", "calf"), Map.entry("elves", "elf"),
      Map.entry("cookies", "cookie"), Map.entry("pixies", "pixie"), Map.entry("beanies", "beanie"),
      Map.entry("zombies", "zombie"), Map.entry("brownies", "brownie"), Map.entry("movies", "movie"),
      Map.entry("hippies", "hippie"), Map.entry("rookies", "rookie"), Map.entry("goalies", "goalie"),
      Map.entry("moustaches", "moustache"), Map.entry("quiches", "quiche"), Map.entry("niches", "niche"),
      Map.entry("caches", "cache"), Map.entry("headaches", "headache"), Map.entry("cliches", "cliche"),
      Map.entry("tomatoes", "tomato"), Map.entry("potatoes", "potato"), Map.entry("dominoes", "domino"),
      Map.entry("heroes", "hero"), Map.entry("echoes", "echo"), Map.entry("volcanoes", "volcano"),
      Map.entry("mangoes", "mango"), Map.entry("mosquitoes", "mosquito"), Map.entry("quizzes", "quiz"),
      Map.entry("buses", "bus"), Map.entry("gases", "gas"), Map.entry("lenses", "lens"),
      Map.entry("cacti", "cactus"));

  private final Map<String, String> abbreviations;

  /**
   * A normaliser expanding the given abbreviations.
   *
   * @param abbreviations lower-case abbreviation to its expansion, e.g. {@code hldr -> holder}
   */
  public TitleNormaliser(Map<String, String> abbreviations) {
    this.abbreviations = Map.copyOf(abbreviations);
  }

  /** A normaliser that expands no abbreviations. */
  public static TitleNormaliser withoutAbbreviations() {
    return new TitleNormaliser(Map.of());
  }

  /** The abbreviations this normaliser expands. */
  public Map<String, String> abbreviations() {
    return abbreviations;
  }

  /** The normalised title: {@link #tokens(String)} joined by single spaces; empty for a null or blank title. */
  public String normalise(String title) {
    return String.join(" ", tokens(title));
  }

  /** The normalised words of the title, in title order; empty for a null, blank or word-less title. */
  public List<String> tokens(String title) {
    if (title == null || title.isBlank()) {
      return List.of();
    }
    String text = title.toLowerCase(Locale.ROOT).replace('’', '\'').replace('`', '\'');
    if (hasDigit(text)) {
      text = PACK_EXPRESSION.matcher(MONEY.matcher(text).replaceAll(" ")).replaceAll(" ");
    }
    List<String> tokens = new ArrayList<>();
    Matcher rawToken = RAW_TOKEN.matcher(text);
    while (rawToken.find()) {
      String raw = rawToken.group();
      if (raw.equals("&") || raw.equals("+")) {
        tokens.add(AND);
      } else if (hasDigit(raw)) {
        addLettersAroundDigits(raw, tokens);
      } else if (abbreviations.containsKey(raw)) {
        addWords(abbreviations.get(raw), tokens);
      } else if (raw.indexOf('.') < 0 && raw.indexOf('/') < 0) {
        addWord(raw, tokens);
      } else {
        for (String piece : WORD_BREAK.split(raw)) {
          addWords(abbreviations.getOrDefault(piece, piece), tokens);
        }
      }
    }
    return List.copyOf(tokens);
  }

  private void addLettersAroundDigits(String raw, List<String> tokens) {
    for (String piece : DIGITS_AND_BREAKS.split(raw)) {
      String letters = trimConnectors(piece);
      if (letters.length() > 1) {
        addWords(abbreviations.getOrDefault(letters, letters), tokens);
      }
    }
  }

  private static String trimConnectors(String piece) {
    int start = 0;
    int end = piece.length();
    while (start < end && isConnector(piece.charAt(start))) {
      start++;
    }
    while (end > start && isConnector(piece.charAt(end - 1))) {
      end--;
    }
    String trimmed = piece.substring(start, end);
    return trimmed.endsWith("'s") || trimmed.equals("s") ? "" : trimmed;
  }

  private static boolean isConnector(char c) {
    return c == '-' || c == '\'';
  }

  private static void addWords(String text, List<String> tokens) {
    if (text.indexOf(' ') < 0) {
      addWord(text, tokens);
      return;
    }
    for (String word : WHITESPACE.split(text)) {
      addWord(word, tokens);
    }
  }

  private static void addWord(String word, List<String> tokens) {
    if (word.isEmpty() || hasDigit(word)) {
      return;
    }
    String cleaned = stripApostrophes(word);
    if (!cleaned.isEmpty()) {
      tokens.add(singularCompound(cleaned));
    }
  }

  private static boolean hasDigit(String word) {
    for (int i = 0; i < word.length(); i++) {
      if (Character.isDigit(word.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The singular of one lower-case English word: {@code boxes -> box}, {@code cases -> case},
   * {@code glasses -> glass}, {@code berries -> berry}, {@code leaves -> leaf}; words ending in
   * {@code ss}, {@code us} or {@code is}, words of three letters or fewer and plural-only nouns
   * such as {@code scissors} are returned unchanged.
   */
  public static String singular(String word) {
    String irregular = IRREGULAR.get(word);
    if (irregular != null) {
      return irregular;
    }
    int length = word.length();
    if (length <= 3 || INVARIANT.contains(word) || !word.endsWith("s")
        || word.endsWith("ss") || word.endsWith("us") || word.endsWith("is")) {
      return word;
    }
    if (word.endsWith("ies") && length > 4) {
      return word.substring(0, length - 3) + "y";
    }
    if (word.endsWith("sses") || word.endsWith("xes") || word.endsWith("ches") || word.endsWith("shes")) {
      return word.substring(0, length - 2);
    }
    return word.substring(0, length - 1);
  }

  private static String stripApostrophes(String word) {
    if (word.indexOf('\'') < 0) {
      return word;
    }
    String withoutPossessive = word.endsWith("'s") ? word.substring(0, word.length() - 2) : word;
    return withoutPossessive.replace("'", "");
  }

  private static String singularCompound(String word) {
    int hyphen = word.lastIndexOf('-');
    if (hyphen < 0) {
      return singular(word);
    }
    return word.substring(0, hyphen + 1) + singular(word.substring(hyphen + 1));
  }
}

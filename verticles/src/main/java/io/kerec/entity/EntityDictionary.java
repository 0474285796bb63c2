package io.kerec.entity;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Unified concepts ("entities") and the word lists that map item titles onto them, read from JSON:
 *
 * <pre>{@code
 * {"version": 1,
 *  "entities": {"t-light holder": ["tealight holder", "tea light holder"], "cake stand": ["cakestand"]},
 *  "abbreviations": {"hldr": "holder"},
 *  "dropWords": {"colours": ["pink", "red"], "themes": ["retrospot"], "motifs": ["heart"], "sizes": ["small"]},
 *  "cutWords": ["with", "in", "for"],
 *  "splitWords": ["and", "&"]}
 * }</pre>
 *
 * <p>{@code entities} maps a canonical name to its synonyms. A canonical name is what extraction returns, so it must
 * already be in normalised form: lower-case singular words of letters and in-word hyphens that {@link TitleNormaliser}
 * leaves as they are ({@code drawer unit}, not {@code Chest of Drawers}). Synonyms may be written freely (plural,
 * upper case); they are normalised on load. Two entities may not claim the same normalised phrase. An entity whose
 * words are also listed as a motif ({@code christmas tree}) gives way to other entities of the same title part.
 *
 * <p>{@code dropWords} groups words and phrases that describe rather than name a product: colours, themes,
 * materials, sizes, pack words. The head-concept rule skips them. The category {@value #MOTIF_CATEGORY} is special:
 * a motif such as {@code heart} or {@code star} decorates another product, but when nothing else is left in a title
 * ({@code WHITE WICKER HEART}) the motif itself is the product. Other category names are free. A word belongs to one
 * category at most.
 *
 * <p>{@code cutWords} end the main part of a title ({@code LUNCH BOX WITH CUTLERY}); {@code splitWords} join two
 * products ({@code TEACUP AND SAUCER}). Both must be single words after normalisation, which turns {@code &} and
 * {@code +} into {@code and}.
 *
 * <p>Loading validates everything and throws {@link EntityDictionaryException} naming the bad key. Instances are
 * immutable and thread-safe.
 *
 * <p>Choices in the bundled dictionary: an entity is a product people buy and pair with other products. Product lines
 * that are bought and complemented differently from their generic head are entities of their own ({@code jumbo bag},
 * {@code lunch bag} and {@code charlotte bag} apart from {@code gift bag}; {@code cake case} apart from
 * {@code cake tin}; {@code t-light} apart from {@code candle}). Colours, themes and licences ({@code retrospot},
 * {@code regency}, {@code dolly girl}) never are. Decorative shapes such as {@code heart}, {@code star} or
 * {@code bird} are motifs: {@code HANGING HEART T-LIGHT HOLDER} is a t-light holder, while {@code WHITE WICKER HEART}
 * is a heart.
 */
public final class EntityDictionary {
  /** Classpath location of the dictionary that ships with Kerec. */
  public static final String BUNDLED_RESOURCE = "conf/entities.json";
  /** The only format version this class reads. */
  public static final int FORMAT_VERSION = 1;
  /** Drop-word category whose words stand in as the product when a title holds nothing else. */
  public static final String MOTIF_CATEGORY = "motifs";

  private static final Set<String> KNOWN_KEYS =
      Set.of("version", "entities", "abbreviations", "dropWords", "cutWords", "splitWords");
  private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final Pattern CANONICAL_NAME = Pattern.compile("\\p{Ll}+(?:-\\p{Ll}+)*(?: \\p{Ll}+(?:-\\p{Ll}+)*)*");

  private static volatile EntityDictionary bundled;

  private final Map<String, List<String>> entities;
  private final Map<String, String> abbreviations;
  private final Map<String, Set<String>> dropWords;
  private final Map<String, String> dropWordCategories;
  private final Set<String> cutWords;
  private final Set<String> splitWords;
  private final TitleNormaliser normaliser;
  private final PhraseIndex<String> entityIndex;
  private final PhraseIndex<String> dropWordIndex;

  private EntityDictionary(JsonNode root) {
    requireObject(root, "$");
    for (Iterator<String> keys = root.fieldNames(); keys.hasNext(); ) {
      String key = keys.next();
      if (!KNOWN_KEYS.contains(key)) {
        throw new EntityDictionaryException(key, "unknown key, expected one of " + KNOWN_KEYS);
      }
    }
    JsonNode version = root.get("version");
    if (version == null || !version.isInt() || version.intValue() != FORMAT_VERSION) {
      throw new EntityDictionaryException("version", "must be the number " + FORMAT_VERSION + ", was " + version);
    }
    this.abbreviations = readAbbreviations(root.get("abbreviations"));
    this.normaliser = new TitleNormaliser(abbreviations);
    this.cutWords = readSingleWords(root.get("cutWords"), "cutWords");
    this.splitWords = readSingleWords(root.get("splitWords"), "splitWords");
    for (String word : cutWords) {
      if (splitWords.contains(word)) {
        throw new EntityDictionaryException("cutWords", "'" + word + "' is also a split word");
      }
    }
    this.dropWords = readDropWords(root.get("dropWords"));
    Map<String, String> categories = new HashMap<>();
    Map<String, String> dropPhrases = new HashMap<>();
    dropWords.forEach((category, words) -> words.forEach(word -> {
      String previous = categories.putIfAbsent(word, category);
      if (previous != null) {
        throw new EntityDictionaryException("dropWords." + category,
            "'" + word + "' is already in category '" + previous + "'");
      }
      dropPhrases.put(PhraseIndex.key(List.of(word.split(" "))), category);
    }));
    this.dropWordCategories = Map.copyOf(categories);
    this.dropWordIndex = new PhraseIndex<>(dropPhrases);
    Map<String, String> entityPhrases = new HashMap<>();
    this.entities = readEntities(root.get("entities"), entityPhrases);
    this.entityIndex = new PhraseIndex<>(entityPhrases);
  }

  /**
   * Reads a dictionary file.
   *
   * @throws EntityDictionaryException when the JSON is malformed or breaks a rule
   * @throws UncheckedIOException when the file cannot be read
   */
  public static EntityDictionary load(Path path) {
    try (InputStream in = Files.newInputStream(path)) {
      return read(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read entity dictionary " + path, e);
    }
  }

  /**
   * Reads a dictionary from a UTF-8 JSON stream; the stream is left open.
   *
   * @throws EntityDictionaryException when the JSON is malformed or breaks a rule
   * @throws UncheckedIOException when the stream fails
   */
  public static EntityDictionary read(InputStream in) {
    JsonNode root;
    try {
      root = JSON.readTree(in);
    } catch (JsonProcessingException e) {
      throw new EntityDictionaryException("$", "not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read entity dictionary", e);
    }
    if (root == null || root.isMissingNode()) {
      throw new EntityDictionaryException("$", "empty document");
    }
    return new EntityDictionary(root);
  }

  /**
   * The dictionary that ships on the classpath as {@value #BUNDLED_RESOURCE}, read once and shared.
   *
   * @throws EntityDictionaryException when the resource is missing or invalid
   */
  public static EntityDictionary bundled() {
    EntityDictionary dictionary = bundled;
    if (dictionary == null) {
      synchronized (EntityDictionary.class) {
        dictionary = bundled;
        if (dictionary == null) {
          dictionary = readBundled();
          bundled = dictionary;
        }
      }
    }
    return dictionary;
  }

  /** Format version of the source document, always {@value #FORMAT_VERSION}. */
  public int version() {
    return FORMAT_VERSION;
  }

  /** Canonical name to synonyms as written in the source, in source order. */
  public Map<String, List<String>> entities() {
    return entities;
  }

  /** Canonical entity names, in source order. */
  public Set<String> canonicalNames() {
    return entities.keySet();
  }

  /** Whether the name is a canonical entity name. */
  public boolean isEntity(String name) {
    return entities.containsKey(name);
  }

  /** Synonyms of a canonical name as written in the source; empty for an unknown name. */
  public List<String> synonyms(String canonicalName) {
    return entities.getOrDefault(canonicalName, List.of());
  }

  /** The canonical entity whose name or synonym normalises to exactly this text. */
  public Optional<String> lookup(String text) {
    List<String> tokens = normaliser.tokens(text);
    return tokens.isEmpty() ? Optional.empty() : Optional.ofNullable(entityIndex.get(tokens));
  }

  /** Abbreviation to expansion. */
  public Map<String, String> abbreviations() {
    return abbreviations;
  }

  /** Drop-word category to its words and phrases in normalised form, categories in source order. */
  public Map<String, Set<String>> dropWords() {
    return dropWords;
  }

  /** Category of a normalised drop word or phrase; empty when it is no drop word. */
  public Optional<String> dropWordCategory(String normalisedWord) {
    return Optional.ofNullable(dropWordCategories.get(normalisedWord));
  }

  /** Normalised words that end the main part of a title. */
  public Set<String> cutWords() {
    return cutWords;
  }

  /** Normalised words that join two products in one title. */
  public Set<String> splitWords() {
    return splitWords;
  }

  /** The normaliser that expands this dictionary's abbreviations. */
  public TitleNormaliser normaliser() {
    return normaliser;
  }

  PhraseIndex<String> entityIndex() {
    return entityIndex;
  }

  PhraseIndex<String> dropWordIndex() {
    return dropWordIndex;
  }

  private Map<String, List<String>> readEntities(JsonNode node, Map<String, String> phrases) {
    if (node == null) {
      throw new EntityDictionaryException("entities", "missing");
    }
    requireObject(node, "entities");
    if (node.isEmpty()) {
      throw new EntityDictionaryException("entities", "must name at least one entity");
    }
    Map<String, List<String>> result = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      String name = field.getKey();
      String key = "entities." + name;
      if (!isCanonicalForm(name)) {
        throw new EntityDictionaryException(key,
            "canonical name must be in normalised form (lower case, singular), would be '"
                + normaliser.normalise(name) + "'");
      }
      if (cutWords.contains(name) || splitWords.contains(name)) {
        throw new EntityDictionaryException(key, "canonical name is a cut or split word");
      }
      List<String> synonyms = readStrings(field.getValue(), key);
      claim(phrases, normaliser.tokens(name), name, key);
      for (String synonym : synonyms) {
        List<String> tokens = normaliser.tokens(synonym);
        if (tokens.isEmpty()) {
          throw new EntityDictionaryException(key, "synonym '" + synonym + "' has no words after normalisation");
        }
        claim(phrases, tokens, name, key);
      }
      result.put(name, synonyms);
    }
    return Collections.unmodifiableMap(result);
  }

  private boolean isCanonicalForm(String name) {
    return CANONICAL_NAME.matcher(name).matches() && normaliser.normalise(name).equals(name);
  }

  private static void claim(Map<String, String> phrases, List<String> tokens, String name, String key) {
    String phrase = PhraseIndex.key(tokens);
    String owner = phrases.putIfAbsent(phrase, name);
    if (owner != null && !owner.equals(name)) {
      throw new EntityDictionaryException(key, "phrase '" + phrase + "' already belongs to entity '" + owner + "'");
    }
  }

  private static Map<String, String> readAbbreviations(JsonNode node) {
    if (node == null) {
      return Map.of();
    }
    requireObject(node, "abbreviations");
    Map<String, String> result = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      String abbreviation = field.getKey();
      String key = "abbreviations." + abbreviation;
      if (abbreviation.isBlank() || !abbreviation.equals(abbreviation.strip().toLowerCase(Locale.ROOT))
          || abbreviation.chars().anyMatch(Character::isWhitespace)) {
        throw new EntityDictionaryException(key, "abbreviation must be one lower-case word");
      }
      JsonNode expansion = field.getValue();
      if (!expansion.isTextual() || expansion.textValue().isBlank()) {
        throw new EntityDictionaryException(key, "expansion must be a non-blank string");
      }
      result.put(abbreviation, expansion.textValue().strip().toLowerCase(Locale.ROOT));
    }
    return Collections.unmodifiableMap(result);
  }

  private Map<String, Set<String>> readDropWords(JsonNode node) {
    if (node == null) {
      return Map.of();
    }
    requireObject(node, "dropWords");
    Map<String, Set<String>> result = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      String key = "dropWords." + field.getKey();
      Set<String> words = new LinkedHashSet<>();
      for (String word : readStrings(field.getValue(), key)) {
        String normalised = normaliser.normalise(word);
        if (normalised.isEmpty()) {
          throw new EntityDictionaryException(key, "'" + word + "' has no words after normalisation");
        }
        words.add(normalised);
      }
      result.put(field.getKey(), Collections.unmodifiableSet(words));
    }
    return Collections.unmodifiableMap(result);
  }

  private Set<String> readSingleWords(JsonNode node, String key) {
    if (node == null) {
      return Set.of();
    }
    Set<String> result = new LinkedHashSet<>();
    for (String word : readStrings(node, key)) {
      List<String> tokens = normaliser.tokens(word);
      if (tokens.size() != 1) {
        throw new EntityDictionaryException(key, "'" + word + "' must be exactly one word");
      }
      result.add(tokens.get(0));
    }
    return Collections.unmodifiableSet(result);
  }

  private static List<String> readStrings(JsonNode node, String key) {
    if (node == null || !node.isArray()) {
      throw new EntityDictionaryException(key, "must be an array of strings");
    }
    List<String> result = new ArrayList<>(node.size());
    for (JsonNode element : node) {
      if (!element.isTextual() || element.textValue().isBlank()) {
        throw new EntityDictionaryException(key, "must hold only non-blank strings, found " + element);
      }
      result.add(element.textValue());
    }
    return List.copyOf(result);
  }

  private static void requireObject(JsonNode node, String key) {
    if (!node.isObject()) {
      throw new EntityDictionaryException(key, "must be a JSON object");
    }
  }

  private static EntityDictionary readBundled() {
    try (InputStream in = EntityDictionary.class.getClassLoader().getResourceAsStream(BUNDLED_RESOURCE)) {
      if (in == null) {
        throw new EntityDictionaryException("$", "classpath resource " + BUNDLED_RESOURCE + " not found");
      }
      return read(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + BUNDLED_RESOURCE, e);
    }
  }
}

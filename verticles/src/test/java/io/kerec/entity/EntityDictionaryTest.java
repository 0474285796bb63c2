package io.kerec.entity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EntityDictionaryTest {
  static final String SMALL = """
      {"version": 1,
       "entities": {"t-light holder": ["tealight holder", "T LIGHT HOLDERS"], "cake stand": ["cakestand"],
                    "teacup": ["tea cup"], "saucer": []},
       "abbreviations": {"hldr": "holder"},
       "dropWords": {"colours": ["pink", "white"], "themes": ["regency", "union flag"], "motifs": ["heart", "hearts"]},
       "cutWords": ["with"],
       "splitWords": ["and", "&"]}
      """;

  static EntityDictionary dictionary(String json) {
    return EntityDictionary.read(stream(json));
  }

  private static InputStream stream(String json) {
    return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsEntitiesSynonymsAndWordLists() {
    EntityDictionary dictionary = dictionary(SMALL);

    assertThat(dictionary.version()).isEqualTo(1);
    assertThat(dictionary.canonicalNames()).containsExactly("t-light holder", "cake stand", "teacup", "saucer");
    assertThat(dictionary.synonyms("cake stand")).containsExactly("cakestand");
    assertThat(dictionary.abbreviations()).containsEntry("hldr", "holder");
    assertThat(dictionary.dropWords().get("motifs")).containsExactly("heart");
    assertThat(dictionary.dropWordCategory("union flag")).contains("themes");
    assertThat(dictionary.cutWords()).containsExactly("with");
    assertThat(dictionary.splitWords()).containsExactly("and");
  }

  @Test
  void looksUpSynonymsInNormalisedForm() {
    EntityDictionary dictionary = dictionary(SMALL);

    assertThat(dictionary.lookup("T-LIGHT HLDR")).contains("t-light holder");
    assertThat(dictionary.lookup("t light holder")).contains("t-light holder");
    assertThat(dictionary.lookup("Tealight Holders")).contains("t-light holder");
    assertThat(dictionary.lookup("cake stands")).contains("cake stand");
    assertThat(dictionary.lookup("cake")).isEmpty();
  }

  @Test
  void loadsFromAFile(@TempDir Path directory) throws IOException {
    Path file = directory.resolve("entities.json");
    Files.writeString(file, SMALL);

    assertThat(EntityDictionary.load(file).isEntity("teacup")).isTrue();
    assertThatThrownBy(() -> EntityDictionary.load(directory.resolve("missing.json")))
        .isInstanceOf(UncheckedIOException.class);
  }

  @Test
  void rejectsACanonicalNameThatIsNotNormalised() {
    assertThatThrownBy(() -> dictionary("{\"version\":1,\"entities\":{\"Cake Stands\":[]}}"))
        .isInstanceOfSatisfying(EntityDictionaryException.class,
            e -> assertThat(e.key()).isEqualTo("entities.Cake Stands"))
        .hasMessageContaining("cake stand");
  }

  @Test
  void rejectsAPhraseClaimedByTwoEntities() {
    assertThatThrownBy(() -> dictionary("{\"version\":1,\"entities\":{\"mug\":[\"cup\"],\"cup\":[]}}"))
        .isInstanceOfSatisfying(EntityDictionaryException.class, e -> assertThat(e.key()).isEqualTo("entities.cup"))
        .hasMessageContaining("already belongs to entity 'mug'");
  }

  @Test
  void rejectsSynonymsThatAreNotStrings() {
    assertThatThrownBy(() -> dictionary("{\"version\":1,\"entities\":{\"mug\":[\"cup\", 3]}}"))
        .isInstanceOfSatisfying(EntityDictionaryException.class, e -> assertThat(e.key()).isEqualTo("entities.mug"));
    assertThatThrownBy(() -> dictionary("{\"version\":1,\"entities\":{\"mug\":\"cup\"}}"))
        .isInstanceOfSatisfying(EntityDictionaryException.class, e -> assertThat(e.key()).isEqualTo("entities.mug"));
  }

  @Test
  void rejectsAWrongVersionUnknownKeysAndMissingEntities() {
    assertThatThrownBy(() -> dictionary("{\"version\":2,\"entities\":{\"mug\":[]}}"))
        .isInstanceOfSatisfying(EntityDictionaryException.class, e -> assertThat(e.key()).isEqualTo("version"));
    assertThatThrownBy(() -> dictionary("{\"version\":1,\"entities\":{\"mug\":[]},\"stopWords\":[]}"))
        .isInstanceOfSatisfying(EntityDictionaryException.class, e -> assertThat(e.key()).isEqualTo("stopWords"));
    assertThatThrownBy(() -> dictionary("{\"version\":1}"))
        .isInstanceOfSatisfying(EntityDictionaryException.class, e -> assertThat(e.key()).isEqualTo("entities"));
  }

  @Test
  void rejectsADropWordInTwoCategories() {
    String json = "{\"version\":1,\"entities\":{\"mug\":[]},"
        + "\"dropWords\":{\"colours\":[\"rose\"],\"motifs\":[\"roses\"]}}";
    assertThatThrownBy(() -> dictionary(json))
        .isInstanceOfSatisfying(EntityDictionaryException.class, e -> assertThat(e.key()).isEqualTo("dropWords.motifs"))
        .hasMessageContaining("'rose'");
  }

  @Test
  void rejectsMultiWordCutWordsAndBadAbbreviations() {
    assertThatThrownBy(() -> dictionary("{\"version\":1,\"entities\":{\"mug\":[]},\"cutWords\":[\"made of\"]}"))
        .isInstanceOfSatisfying(EntityDictionaryException.class, e -> assertThat(e.key()).isEqualTo("cutWords"));
    String badAbbreviation = "{\"version\":1,\"entities\":{\"mug\":[]},\"abbreviations\":{\"HLDR\":\"holder\"}}";
    assertThatThrownBy(() -> dictionary(badAbbreviation))
        .isInstanceOfSatisfying(EntityDictionaryException.class,
            e -> assertThat(e.key()).isEqualTo("abbreviations.HLDR"));
  }

  @Test
  void rejectsMalformedJsonAndDuplicateKeys() {
    assertThatThrownBy(() -> dictionary("{\"version\":1,"))
        .isInstanceOfSatisfying(EntityDictionaryException.class, e -> assertThat(e.key()).isEqualTo("$"));
    assertThatThrownBy(() -> dictionary("{\"version\":1,\"entities\":{\"mug\":[],\"mug\":[\"cup\"]}}"))
        .isInstanceOfSatisfying(EntityDictionaryException.class, e -> assertThat(e.key()).isEqualTo("$"))
        .hasMessageContaining("mug");
  }

  @Test
  void bundledDictionaryIsOnTheClasspathAndValid() {
    EntityDictionary bundled = EntityDictionary.bundled();

    assertThat(bundled.canonicalNames()).hasSizeGreaterThanOrEqualTo(120)
        .contains("t-light holder", "lunch box", "cake stand", "teacup", "saucer", "cake case", "photo frame",
            "bunting", "napkin", "paper plate", "tent", "sleeping bag", "lantern", "camping stove", "phone case",
            "charger");
    assertThat(bundled.dropWords()).containsKeys("colours", "themes", "motifs", "sizes", "pack", "other");
    assertThat(bundled.dropWords().get("themes")).contains("retrospot", "regency", "paisley", "union flag");
    assertThat(EntityDictionary.bundled()).isSameAs(bundled);
  }
}

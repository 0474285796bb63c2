package io.kerec.entity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class HeadConceptExtractorTest {
  private static final EntityDictionary DICTIONARY = EntityDictionaryTest.dictionary("""
      {"version": 1,
       "entities": {"cake stand": ["cakestand"], "storage jar": []},
       "dropWords": {"colours": ["red", "pink", "blue"], "themes": ["retrospot", "spaceboy", "dolly girl"],
                     "motifs": ["heart", "star"], "materials": ["glass", "wicker"], "sizes": ["small", "large"],
                     "other": ["design"]},
       "cutWords": ["with"],
       "splitWords": ["and"]}
      """);
  private static final List<String> CATALOGUE = List.of(
      "LUNCH BAG RED RETROSPOT", "LUNCH BAG SPACEBOY DESIGN", "LUNCH BAG DOLLY GIRL DESIGN",
      "LUNCH BAG RED RETROSPOT", "Lunch bag red retrospot",
      "SMALL GLASS BUTTER DISH", "LARGE GLASS BUTTER DISH");

  @Test
  void takesTheLastWordLeftAfterDroppingDescriptions() {
    HeadConceptExtractor heads = new HeadConceptExtractor(DICTIONARY);

    assertThat(heads.extract("LUNCH BAG RED RETROSPOT")).containsExactly("bag");
    assertThat(heads.extract("SMALL PINK GLASS VASE WITH FLOWERS")).containsExactly("vase");
  }

  @Test
  void keepsAModifierThatFormsADictionaryCompound() {
    HeadConceptExtractor heads = new HeadConceptExtractor(DICTIONARY);

    assertThat(heads.extract("RIDGED GLASS STORAGE JAR PINK")).containsExactly("storage jar");
  }

  @Test
  void namesADictionarySynonymByItsCanonicalName() {
    assertThat(new HeadConceptExtractor(DICTIONARY).extract("RED RETROSPOT CAKESTAND")).containsExactly("cake stand");
  }

  @Test
  void learnsCompoundsEndingEnoughDistinctTitles() {
    HeadConceptExtractor heads = new HeadConceptExtractor(DICTIONARY, CATALOGUE);

    assertThat(heads.learnedCompounds()).contains("lunch bag").doesNotContain("butter dish");
    assertThat(heads.extract("LUNCH BAG PINK SPACEBOY")).containsExactly("lunch bag");
    assertThat(heads.extract("BLUE GLASS BUTTER DISH")).containsExactly("dish");
  }

  @Test
  void countsDuplicateTitlesOnceAndHonoursTheThreshold() {
    List<String> duplicates = List.of("LUNCH BAG RED RETROSPOT", "LUNCH BAG RED RETROSPOT", "lunch bag red retrospot");

    assertThat(new HeadConceptExtractor(DICTIONARY, duplicates, 2).learnedCompounds()).isEmpty();
    assertThat(new HeadConceptExtractor(DICTIONARY, CATALOGUE, 2).learnedCompounds()).contains("butter dish");
    assertThat(new HeadConceptExtractor(DICTIONARY, CATALOGUE, 4).learnedCompounds()).isEmpty();
    assertThatThrownBy(() -> new HeadConceptExtractor(DICTIONARY, CATALOGUE, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void namesTheMotifWhenOnlyDescriptionsAreLeft() {
    HeadConceptExtractor heads = new HeadConceptExtractor(DICTIONARY);

    assertThat(heads.extract("SMALL PINK WICKER HEART")).containsExactly("heart");
    assertThat(heads.headConcept(List.of("red", "retrospot"))).isEmpty();
  }

  @Test
  void givesOneHeadPerPart() {
    HeadConceptExtractor heads = new HeadConceptExtractor(DICTIONARY);

    assertThat(heads.extract("RED MUG AND BLUE BOWL")).containsExactly("mug", "bowl");
  }
}

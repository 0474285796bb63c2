package io.kerec.entity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TitleNormaliserTest {
  private final TitleNormaliser normaliser = new TitleNormaliser(Map.of(
      "hldr", "holder", "b'fly", "butterfly", "c/cover", "cushion cover", "w", "with", "neckl", "necklace"));

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "WHITE HANGING HEART T-LIGHT HOLDER | white hanging heart t-light holder",
      "T-LIGHT HLDR                       | t-light holder",
      "REGENCY CAKESTAND 3 TIER           | regency cakestand",
      "PACK OF 72 RETROSPOT CAKE CASES    | retrospot cake case",
      "SET/6 RED SPOTTY PAPER PLATES      | red spotty paper plate",
      "S/3 PINK SQUARE PLANTERS ROSES     | pink square planter rose",
      "SET OF 4 KNICK KNACK TINS LONDON   | knick knack tin london",
      "SET 7 BABUSHKA NESTING BOXES       | set babushka nesting box",
      "BAKING SET 9 PIECE RETROSPOT       | baking set retrospot",
      "BALLOON WATER BOMB x20             | balloon water bomb",
      "POLYESTER FILLER PAD 45x30cm       | polyester filler pad",
      "NEW BAROQUE B'FLY NECKLACE RED     | new baroque butterfly necklace red",
      "RED ROSE AND LACE C/COVER          | red rose and lace cushion cover",
      "CLOCK W/SUCKER                     | clock with sucker",
      "GREEN CHRISTMAS TREE STRING 20LIGHT | green christmas tree string light",
      "Camping Tent 2-Person              | camping tent person",
      "Dotcomgiftshop Gift Voucher £10.00 | dotcomgiftshop gift voucher",
      "MUM'S KITCHEN CLOCK                | mum kitchen clock",
      "50'S CHRISTMAS GIFT BAG LARGE      | christmas gift bag large",
      "PINK CHICK EGG WARMER + EGG CUP    | pink chick egg warmer and egg cup",
      "BLUE & WHITE BREAKFAST TRAY        | blue and white breakfast tray",
      "  Sleeping bag,   blue  ,          | sleeping bag blue"})
  void normalisesRetailTitles(String title, String expected) {
    assertThat(normaliser.normalise(title)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
      "boxes, box", "cases, case", "glasses, glass", "berries, berry", "holders, holder", "matches, match",
      "dishes, dish", "leaves, leaf", "doilies, doily", "t-lights, t-light", "bunnies, bunny", "cookies, cookie",
      "dominoes, domino", "children, child", "glass, glass", "cactus, cactus", "iris, iris", "gas, gas",
      "christmas, christmas", "scissors, scissors", "candles, candle", "earrings, earring", "bus, bus"})
  void singularisesWords(String word, String expected) {
    assertThat(normaliser.normalise(word)).isEqualTo(expected);
  }

  @Test
  void givesNoTokensForBlankOrWordlessTitles() {
    assertThat(normaliser.tokens(null)).isEmpty();
    assertThat(normaliser.tokens("   ")).isEmpty();
    assertThat(normaliser.tokens("?")).isEmpty();
    assertThat(normaliser.tokens("20713")).isEmpty();
    assertThat(normaliser.tokens("A4 3D 25W")).isEmpty();
  }

  @Test
  void keepsLettersGluedToDigits() {
    assertThat(normaliser.normalise("FLOWER GLASS GARLD NECKL36\"AMETHYST"))
        .isEqualTo("flower glass garld necklace amethyst");
  }

  @Test
  void keepsOnlyInWordHyphens() {
    assertThat(normaliser.tokens("POM-POM CURTAIN - PINK -")).containsExactly("pom-pom", "curtain", "pink");
  }

  @Test
  void leavesAbbreviationsAloneWithoutADictionary() {
    assertThat(TitleNormaliser.withoutAbbreviations().normalise("T-LIGHT HLDR W LID")).isEqualTo("t-light hldr w lid");
  }
}

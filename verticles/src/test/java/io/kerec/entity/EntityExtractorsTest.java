package io.kerec.entity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EntityExtractorsTest {
  private static final EntityExtractor BUNDLED = EntityExtractors.create(EntityDictionary.bundled());

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "WHITE HANGING HEART T-LIGHT HOLDER    | t-light holder",
      "T-LIGHT HLDR                          | t-light holder",
      "REGENCY CAKESTAND 3 TIER              | cake stand",
      "ROSES REGENCY TEACUP AND SAUCER       | teacup, saucer",
      "LUNCH BOX WITH CUTLERY RETROSPOT      | lunch box",
      "PACK OF 72 RETROSPOT CAKE CASES       | cake case",
      "SET/6 RED SPOTTY PAPER PLATES         | paper plate",
      "JUMBO BAG RED RETROSPOT               | jumbo bag",
      "DOORMAT UNION FLAG                    | doormat",
      "KNITTED UNION FLAG HOT WATER BOTTLE   | hot water bottle",
      "SET 7 BABUSHKA NESTING BOXES          | nesting box",
      "WHITE METAL LANTERN                   | lantern",
      "CREAM CUPID HEARTS COAT HANGER        | clothes hanger",
      "RED RETROSPOT CHARLOTTE BAG           | charlotte bag",
      "PARTY BUNTING                         | bunting",
      "PACK OF 20 SPACEBOY NAPKINS           | napkin",
      "SMALL PARISIENNE HEART PHOTO FRAME    | photo frame",
      "MIRROR MOSAIC T-LIGHT HOLDER ROUND    | t-light holder",
      "T-LIGHT HOLDER SILVER SAUCER          | t-light holder",
      "SET 10 CARDS CHRISTMAS TREE 16955     | greeting card",
      "PINK CHICK EGG WARMER + EGG CUP       | egg cosy, egg cup",
      "GIN AND TONIC MUG                     | mug",
      "WHITE WITH METAL BAG CHARM            | bag charm",
      "WHITE WICKER STAR                     | star"})
  void extractsCatalogueConcepts(String title, String expected) {
    assertThat(BUNDLED.extract(title)).containsExactly(expected.split(", "));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "Camping Tent 2-Person                 | tent",
      "Sleeping bag, blue                    | sleeping bag",
      "LED Camping Lantern                   | lantern",
      "Portable Gas Camping Stove            | camping stove",
      "iPhone 12 case                        | phone case",
      "USB-C charger 20W                     | charger",
      "Stainless Steel Water Bottle 750ml    | water bottle",
      "Wireless Bluetooth Headphones         | headphone"})
  void extractsGenericRetailConcepts(String title, String expected) {
    assertThat(BUNDLED.extract(title)).containsExactly(expected);
  }

  @Test
  void givesNothingForBlankOrWordlessTitles() {
    assertThat(BUNDLED.extract(null)).isEmpty();
    assertThat(BUNDLED.extract("")).isEmpty();
    assertThat(BUNDLED.extract("  ?  ")).isEmpty();
    assertThat(BUNDLED.extract("20713")).isEmpty();
  }

  @Test
  void givesAtLeastOneEntityForAnyTitleWithAWord() {
    assertThat(BUNDLED.extract("PINK")).containsExactly("pink");
    assertThat(BUNDLED.extract("with")).containsExactly("with");
    assertThat(BUNDLED.extract("Garden hose 20m")).containsExactly("hose");
  }

  @Test
  void usesLearnedCompoundsForTitlesOutsideTheDictionary() {
    EntityDictionary dictionary = EntityDictionary.bundled();
    List<String> catalogue = List.of("SPACEBOY ROCKET LOLLY MAKERS", "WOODLAND BUNNIES LOLLY SHAKER",
        "PINK ROCKET SHAKER", "BLUE ROCKET SHAKER", "RED RETROSPOT ROCKET SHAKER");

    assertThat(EntityExtractors.create(dictionary).extract("DOLLY GIRL ROCKET SHAKER")).containsExactly("shaker");
    assertThat(EntityExtractors.create(dictionary, catalogue).extract("DOLLY GIRL ROCKET SHAKER"))
        .containsExactly("rocket shaker");
    assertThat(EntityExtractors.create(dictionary, catalogue, 4).extract("DOLLY GIRL ROCKET SHAKER"))
        .containsExactly("shaker");
  }

  @Test
  void prefersTheDictionaryToLearnedCompounds() {
    EntityExtractor extractor = EntityExtractors.create(EntityDictionary.bundled(),
        List.of("PINK LUNCH BOX", "BLUE LUNCH BOX", "RED LUNCH BOX"));

    assertThat(extractor.extract("SPACEBOY LUNCH BOX")).containsExactly("lunch box");
  }

  @Test
  void isSafeToShareBetweenThreads() throws Exception {
    List<String> titles = List.of("ROSES REGENCY TEACUP AND SAUCER", "JUMBO BAG RED RETROSPOT", "Sleeping bag, blue");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<String>>> results = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        String title = titles.get(i % titles.size());
        results.add(pool.submit(() -> BUNDLED.extract(title)));
      }
      for (int i = 0; i < results.size(); i++) {
        assertThat(results.get(i).get()).isEqualTo(BUNDLED.extract(titles.get(i % titles.size())));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void extractsFourThousandTitlesWellUnderASecond() {
    List<String> titles = new ArrayList<>();
    String[] themes = {"RED RETROSPOT", "VINTAGE PAISLEY", "SPACEBOY", "DOLLY GIRL", "PINK POLKADOT"};
    String[] products = {"LUNCH BAG", "CAKE CASES", "T-LIGHT HOLDER", "TEACUP AND SAUCER", "NESTING BOXES",
        "HANGING HEART", "WALL CLOCK", "JUMBO BAG WITH HANDLES"};
    for (int i = 0; i < 4000; i++) {
      titles.add("SET/" + (i % 12) + " " + themes[i % themes.length] + " " + products[i % products.length] + " " + i);
    }
    EntityExtractor extractor = EntityExtractors.create(EntityDictionary.bundled(), titles);
    titles.forEach(extractor::extract);

    long start = System.nanoTime();
    titles.forEach(extractor::extract);
    long millis = (System.nanoTime() - start) / 1_000_000;

    assertThat(millis).isLessThan(1000);
  }
}

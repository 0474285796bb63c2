package io.kerec.graph.recall;

import static org.assertj.core.api.Assertions.assertThat;

import io.kerec.bus.Candidate;
import io.kerec.bus.Complement;
import io.kerec.bus.EntityLink;
import io.kerec.bus.Features;
import io.kerec.bus.ItemEntities;
import io.kerec.bus.PurchaseFact;
import io.kerec.bus.TrainingSet;
import io.kerec.config.RecallOptions;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RecallViewTest {
  private final RecallOptions options = new RecallOptions(20, 20, 30, 10, 50, 0, 0, 0, 300, 0, 7);
  private RecallView view;
  private long ts = 1_000_000;

  @BeforeEach
  void catalog() {
    view = new RecallView();
    view.putItem(new ItemEntities("T1", "ROSES TEACUP", 2.0, null, List.of("teacup")));
    view.putItem(new ItemEntities("S1", "ROSES SAUCER", 1.0, null, List.of("saucer")));
    view.putItem(new ItemEntities("S2", "GREEN SAUCER", 1.0, null, List.of("saucer")));
    view.putItem(new ItemEntities("S3", "NEW SAUCER", 1.0, null, List.of("saucer")));
    view.putItem(new ItemEntities("C1", "CAKE STAND", 10.0, null, List.of("cake stand")));
    view.putItem(new ItemEntities("K1", "CAKE CASES", 0.5, null, List.of("cake case")));
    view.putComplement(new Complement("teacup", "saucer", 0.9, 0.9, "evidence"));
    view.putComplement(new Complement("cake stand", "cake case", 0.6, 0.6, "evidence"));
    buy("x", "S1", "b0");
    buy("x", "S1", "b1");
    buy("y", "S2", "b2");
  }

  private void buy(String user, String item, String basket) {
    view.addPurchase(new PurchaseFact(user + item + ts, user, item, basket, ts++, List.of()));
  }

  @Test
  void aShortRecallIsThePrefixOfTheFullOneAndEveryRankFeatureFollowsValueThenItemId() {
    RecallView shop = RandomShop.build(5, 3_000, 800, 40_000);
    RecallOptions wide = new RecallOptions(20, 20, 30, 10, 200, 5, 20, 20, 500, 0, 7);
    Comparator<Candidate> byBase = Comparator.comparingDouble((Candidate c) -> -c.baseScore())
        .thenComparing(Candidate::itemId);
    boolean tiedRanks = false;
    for (String user : List.of("u0", "u3", "u17", "u99", "u400")) {
      List<Candidate> all = shop.recall(user, wide, 1_000_000);
      List<Candidate> top = shop.recall(user, wide, 120);
      assertThat(all.size()).as(user).isGreaterThan(500);
      assertThat(all).isSortedAccordingTo(byBase);
      assertThat(top).extracting(Candidate::itemId)
          .containsExactlyElementsOf(all.subList(0, 120).stream().map(Candidate::itemId).toList());
      for (int i = 0; i < top.size(); i++) {
        assertThat(top.get(i).features()).containsExactly(all.get(i).features());
      }
      int[][] pairs = {{Features.COOC_SCORE, Features.COOC_RANK}, {Features.COMPLEMENT_SCORE, Features.COMPLEMENT_RANK},
          {Features.SAME_ENTITY, Features.SAME_ENTITY_RANK},
          {Features.RECENT_POPULARITY, Features.RECENT_POPULARITY_RANK}};
      for (int[] p : pairs) {
        List<Candidate> ranked = all.stream().filter(c -> c.features()[p[0]] > 0)
            .sorted(Comparator.comparingDouble((Candidate c) -> -c.features()[p[0]]).thenComparing(Candidate::itemId))
            .toList();
        for (int r = 0; r < ranked.size(); r++) {
          assertThat(ranked.get(r).features()[p[1]]).isEqualTo(1f / (1 + r));
          tiedRanks |= r > 0 && ranked.get(r).features()[p[0]] == ranked.get(r - 1).features()[p[0]];
        }
        assertThat(all.stream().filter(c -> c.features()[p[0]] <= 0)).allMatch(c -> c.features()[p[1]] == 0);
      }
    }
    assertThat(tiedRanks).as("the shop has tied values, so ties by item id are exercised").isTrue();
  }

  @Test
  void salesOrderKeptPurchaseByPurchaseEqualsAFullSort() {
    RecallView served = RandomShop.build(9, 1_500, 300, 15_000);
    RecallView rebuilt = RandomShop.build(9, 1_500, 300, 15_000);
    // co-purchase channels off: their cached neighbour lists depend on when recall ran, sales order must not
    RecallOptions wide = new RecallOptions(20, 20, 3, 1, 0, 0, 20, 20, 500, 0, 7);
    java.util.Random rnd = new java.util.Random(4);
    for (int p = 0; p < 3_000; p++) {
      if (p % 50 == 0) {
        served.recall("u" + rnd.nextInt(300), wide, 100);
      }
      PurchaseFact purchase = new PurchaseFact("extra" + p, "u" + rnd.nextInt(300), "I" + rnd.nextInt(40),
          "extra-bill" + p / 3, 2_000_000_000_000L + p, List.of());
      served.addPurchase(purchase);
      rebuilt.addPurchase(purchase);
    }
    for (int u = 0; u < 300; u += 7) {
      List<Candidate> kept = served.recall("u" + u, wide, 300);
      List<Candidate> sorted = rebuilt.recall("u" + u, wide, 300);
      assertThat(kept).extracting(Candidate::itemId)
          .containsExactlyElementsOf(sorted.stream().map(Candidate::itemId).toList());
      for (int i = 0; i < kept.size(); i++) {
        assertThat(kept.get(i).features()).containsExactly(sorted.get(i).features());
      }
      assertThat(served.popular("u" + u, 30, Set.of())).extracting(Candidate::itemId)
          .containsExactlyElementsOf(rebuilt.popular("u" + u, 30, Set.of()).stream().map(Candidate::itemId).toList());
    }
  }

  @Test
  void repeatRatesKeptPurchaseByPurchaseAreRecountedWhenASoldItemChangesEntity() {
    RecallView shop = new RecallView();
    shop.putItem(new ItemEntities("M1", "RED MUG", 1.0, null, List.of("mug")));
    shop.putItem(new ItemEntities("M2", "BLUE MUG", 1.0, null, List.of("mug")));
    shop.putItem(new ItemEntities("P1", "TENT", 1.0, null, List.of("tent")));
    shop.putItem(new ItemEntities("P2", "BIG TENT", 1.0, null, List.of("tent")));
    shop.putItem(new ItemEntities("F1", "FILLER", 1.0, null, List.of("filler")));
    RecallOptions popularOnly = new RecallOptions(20, 20, 30, 10, 0, 0, 0, 20, 300, 0, 7);
    long[] clock = {0};
    java.util.function.BiConsumer<String, String> purchase = (user, item) -> shop.addPurchase(
        new PurchaseFact(user + item + clock[0], user, item, "bill" + clock[0], clock[0]++, List.of()));
    purchase.accept("u1", "M1");
    purchase.accept("u1", "M2");
    purchase.accept("u2", "M1");
    purchase.accept("u3", "P1");
    purchase.accept("u3", "P1");
    purchase.accept("probe", "F1");
    assertThat(repeatRate(shop, popularOnly, "M1")).as("mug: u1 of u1, u2").isEqualTo((float) (1 / 3.0));
    assertThat(repeatRate(shop, popularOnly, "P2")).as("tent: nobody bought two").isZero();

    shop.putItem(new ItemEntities("M2", "BLUE MUG TENT", 1.0, null, List.of("tent")));
    purchase.accept("u3", "P2");
    for (int i = 0; i < 1_000; i++) {
      purchase.accept("filler", "F1");
    }
    assertThat(repeatRate(shop, popularOnly, "M1")).as("mug: u1, u2, no repeater").isZero();
    assertThat(repeatRate(shop, popularOnly, "P2")).as("tent: u3 of u1, u3").isEqualTo((float) (1 / 3.0));

    purchase.accept("u2", "P1");
    for (int i = 0; i < 1_000; i++) {
      purchase.accept("filler", "F1");
    }
    assertThat(repeatRate(shop, popularOnly, "P2")).as("tent: u3 of u1, u2, u3").isEqualTo((float) (1 / 4.0));
  }

  /** The repeat-rate feature of an item among a user's candidates (the user bought only the filler). */
  private static float repeatRate(RecallView shop, RecallOptions options, String itemId) {
    return shop.recall("probe", options, 300).stream().filter(c -> c.itemId().equals(itemId)).findFirst()
        .orElseThrow().features()[Features.REPEAT_RATE];
  }

  @Test
  void recallFollowsEntityComplementsIncludingNeverSoldItems() {
    buy("alice", "T1", "a1");
    List<Candidate> candidates = view.recall("alice", options, 10);
    assertThat(candidates).extracting(Candidate::itemId).containsExactly("S1", "S2", "S3");
    Candidate fresh = candidates.get(2);
    assertThat(fresh.features()[Features.ITEM_POPULARITY]).as("imputed from the saucer average")
        .isEqualTo((float) Math.log1p(1.0));
    assertThat(fresh.baseScore()).isPositive();
    assertThat(fresh.because().triggerItemId()).isEqualTo("T1");
    assertThat(fresh.because().triggerEntity()).isEqualTo("teacup");
    assertThat(fresh.because().entity()).isEqualTo("saucer");
    assertThat(fresh.because().edgeWeight()).isEqualTo(0.9);
    assertThat(candidates.get(0).features()[Features.ITEM_SHARE])
        .isGreaterThan(candidates.get(2).features()[Features.ITEM_SHARE]);
  }

  @Test
  void aNewArrivalIsAnItemFirstSoldInTheLastThirtyDaysOfTheData() {
    ts += 40L * 24 * 3600 * 1000; // S1 and S2 first sold 40 days before what follows
    buy("z", "S3", "z1");
    ts += 29L * 24 * 3600 * 1000;
    buy("alice", "T1", "a1");
    List<Candidate> candidates = view.recall("alice", options, 10);
    assertThat(candidates).extracting(Candidate::itemId).contains("S1", "S2", "S3");
    for (Candidate c : candidates) {
      assertThat(c.newArrival()).as(c.itemId()).isEqualTo(c.itemId().equals("S3"));
    }
    ts += 2L * 24 * 3600 * 1000; // now S3's first sale is 31 days old
    buy("bob", "T1", "b9");
    assertThat(view.recall("bob", options, 10)).filteredOn(c -> c.itemId().equals("S3")).singleElement()
        .matches(c -> !c.newArrival() && !c.fresh());
  }

  @Test
  void aNeverSoldItemIsNewForNewItemDaysAfterItsListingThenShelved() {
    long day = 24L * 3600 * 1000;
    view.putItem(new ItemEntities("S4", "BLUE SAUCER", 1.0, null, List.of("saucer"), Instant.ofEpochMilli(ts)));
    view.putItem(new ItemEntities("B1", "SPACEBOY LUNCH BOX", 2.0, null, List.of("lunch box")));
    view.putItem(new ItemEntities("B2", "SPACEBOY MINI BACKPACK", 4.0, null, List.of("backpack"),
        Instant.ofEpochMilli(ts)));
    RecallOptions byTitle = new RecallOptions(20, 20, 30, 10, 50, 0, 1, 0, 300, 0, 7);
    ts += 7 * day - 1; // the listing is still within the last 7 days of the data
    buy("alice", "T1", "a1");
    buy("dan", "B1", "d1");
    assertThat(view.recall("alice", options, 10)).filteredOn(Candidate::fresh).extracting(Candidate::itemId)
        .containsExactlyInAnyOrder("S3", "S4");
    assertThat(view.recall("dan", byTitle, 10)).extracting(Candidate::itemId).containsExactly("B2");
    assertThat(view.item("S4").orElseThrow().listedAt()).isEqualTo(Instant.ofEpochMilli(ts - 7 * day - 1));

    ts += 2; // now it is older: shelved, through the complement and the similar-title channel alike
    buy("bob", "T1", "b1");
    assertThat(view.recall("bob", options, 10)).extracting(Candidate::itemId)
        .as("S3's listing time is unknown: it stays new").containsExactly("S1", "S2", "S3");
    assertThat(view.recall("dan", byTitle, 10)).isEmpty();
    RecallOptions month = new RecallOptions(20, 20, 30, 10, 50, 0, 0, 0, 300, 0, 30);
    assertThat(view.recall("bob", month, 10)).extracting(Candidate::itemId).contains("S4");

    buy("carol", "S4", "c1"); // once it sells it is an item like any other
    assertThat(view.recall("bob", options, 10)).filteredOn(c -> c.itemId().equals("S4")).singleElement()
        .matches(c -> !c.fresh());
  }

  @Test
  void excludesBoughtItemsAndPrefersRecentTriggers() {
    buy("alice", "C1", "a1");
    buy("alice", "T1", "a2");
    buy("alice", "S2", "a2");
    List<Candidate> candidates = view.recall("alice", options, 10);
    assertThat(candidates).extracting(Candidate::itemId).doesNotContain("S2", "T1", "C1");
    Candidate saucer = candidates.stream().filter(c -> c.itemId().equals("S1")).findFirst().orElseThrow();
    Candidate cakeCase = candidates.stream().filter(c -> c.itemId().equals("K1")).findFirst().orElseThrow();
    assertThat(saucer.features()[Features.TRIGGER_RECENCY]).as("the teacup is in the latest bill").isEqualTo(1f);
    assertThat(cakeCase.features()[Features.TRIGGER_RECENCY]).as("the cake stand one bill earlier")
        .isEqualTo(1f / 2);
  }

  @Test
  void alsoBoughtRecallsItemsOfTheSameBillsWithCosineFeatures() {
    view.putItem(new ItemEntities("P1", "PAPER PLATES", 1.0, null, List.of("paper plate")));
    view.putItem(new ItemEntities("P2", "PAPER CUPS", 1.0, null, List.of("paper cup")));
    view.putItem(new ItemEntities("P3", "PAPER NAPKINS", 1.0, null, List.of("napkin")));
    for (int i = 0; i < 4; i++) {
      buy("u" + i, "P1", "party" + i);
      buy("u" + i, "P2", "party" + i);
    }
    buy("u9", "P3", "party9");
    buy("u9", "P1", "party9");
    buy("bob", "P1", "bob1");
    List<Candidate> candidates = view.recall("bob", options, 10);
    assertThat(candidates).extracting(Candidate::itemId).startsWith("P2", "P3");
    Candidate cups = candidates.get(0);
    assertThat(cups.channel()).isEqualTo(RecallView.CHANNEL_ALSO_BOUGHT);
    assertThat(cups.features()[Features.COOC_MAX]).isEqualTo((float) (4 / Math.sqrt(6 * 4)));
    assertThat(cups.because().triggerItemId()).isEqualTo("P1");
    assertThat(cups.because().entity()).isEqualTo("paper cup");
    assertThat(cups.features()[Features.COOC_RANK]).as("this user's strongest co-purchase").isEqualTo(1f);
    assertThat(candidates.get(1).features()[Features.COOC_RANK]).isEqualTo(0.5f);
    assertThat(cups.features()[Features.COMPLEMENT_RANK]).as("no complement led to it").isZero();
  }

  @Test
  void aModestCoPurchaseOutranksAStrongEdgeAloneInTheRecallOrder() {
    view.putItem(new ItemEntities("P1", "PAPER PLATES", 1.0, null, List.of("paper plate")));
    view.putItem(new ItemEntities("P2", "PAPER CUPS", 1.0, null, List.of("paper cup")));
    view.putItem(new ItemEntities("P3", "PAPER NAPKINS", 1.0, null, List.of("napkin")));
    view.putComplement(new Complement("paper plate", "napkin", 0.9, 0.9, "evidence"));
    for (int i = 0; i < 24; i++) {
      buy("u" + i, "P1", "plates" + i);
    }
    buy("u24", "P1", "party");
    buy("u24", "P2", "party");
    buy("u25", "P3", "napkins");
    buy("bob", "P1", "bob1");
    List<Candidate> candidates = view.recall("bob", options, 10);
    // cups: one bill of the plates' 26 (cosine about 0.2); napkins: no shared bill, an edge of weight 0.9.
    assertThat(candidates).extracting(Candidate::itemId).startsWith("P2", "P3");
    Candidate napkins = candidates.get(1);
    assertThat(napkins.channel()).isEqualTo(RecallView.CHANNEL_COMPLEMENT);
    assertThat(napkins.features()[Features.COMPLEMENT_SCORE])
        .as("the edge is strong, but of another scale than a cosine")
        .isGreaterThan(candidates.get(0).features()[Features.COOC_SCORE]);
  }

  @Test
  void similarCustomersRecallsWhatTheSameCustomersBoughtInOtherBillsOnlyWhenSwitchedOn() {
    view.putItem(new ItemEntities("G1", "GARDEN GLOVES", 1.0, null, List.of("glove")));
    view.putItem(new ItemEntities("G2", "SEED TRAY", 1.0, null, List.of("seed tray")));
    for (int i = 0; i < 3; i++) {
      buy("d" + i, "G1", "spring" + i);
      buy("d" + i, "G2", "summer" + i);
    }
    buy("eve", "G1", "eve1");
    assertThat(view.recall("eve", options, 10)).extracting(Candidate::itemId).doesNotContain("G2");

    RecallOptions withKnn = new RecallOptions(20, 20, 30, 10, 50, 50, 0, 0, 300, 0, 7);
    Candidate tray = view.recall("eve", withKnn, 10).stream().filter(c -> c.itemId().equals("G2")).findFirst()
        .orElseThrow();
    assertThat(tray.channel()).isEqualTo(RecallView.CHANNEL_SIMILAR_CUSTOMERS);
    assertThat(tray.features()[Features.KNN_MAX]).isEqualTo((float) (3 / Math.sqrt(4 * 3)));
    assertThat(tray.features()[Features.COOC_SCORE]).isZero();
    assertThat(tray.because().triggerItemId()).isEqualTo("G1");
  }

  @Test
  void sameEntityAndPopularChannelsAddCandidates() {
    RecallOptions withPopular = new RecallOptions(20, 20, 30, 10, 50, 0, 0, 1, 300, 0, 7);
    buy("zoe", "S1", "z1");
    buy("zoe", "S2", "z2");
    buy("carol", "S2", "c1");
    List<Candidate> candidates = view.recall("carol", withPopular, 10);
    assertThat(candidates).extracting(Candidate::itemId).contains("S1", "S3");
    assertThat(candidates.stream().filter(c -> c.itemId().equals("S1")).findFirst().orElseThrow().channel())
        .isEqualTo(RecallView.CHANNEL_SAME_ENTITY);
    assertThat(candidates.stream().filter(c -> c.itemId().equals("S1")).findFirst().orElseThrow()
        .features()[Features.SAME_ENTITY]).isPositive();
  }

  @Test
  void newItemsOfTheSameProductLineAreRecalledByTitle() {
    view.putItem(new ItemEntities("B1", "SPACEBOY LUNCH BOX", 2.0, null, List.of("lunch box")));
    view.putItem(new ItemEntities("B2", "SPACEBOY MINI BACKPACK", 4.0, null, List.of("backpack")));
    view.putItem(new ItemEntities("B3", "DOLLY GIRL MINI BACKPACK", 4.0, null, List.of("backpack")));
    view.putItem(new ItemEntities("B4", "SPACEBOY BIRTHDAY CARD", 0.4, null, List.of("card")));
    buy("x", "B4", "b9");
    buy("dan", "B1", "d1");
    RecallOptions byTitle = new RecallOptions(20, 20, 30, 10, 50, 0, 1, 0, 300, 0, 7);

    List<Candidate> candidates = view.recall("dan", byTitle, 10);
    assertThat(candidates).extracting(Candidate::itemId).as("only never-sold items, one per recent item")
        .containsExactly("B2");
    Candidate backpack = candidates.get(0);
    assertThat(backpack.channel()).isEqualTo(RecallView.CHANNEL_SIMILAR_TITLE);
    assertThat(backpack.fresh()).isTrue();
    assertThat(backpack.features()[Features.TITLE_SIMILARITY]).isBetween(0.1f, 0.9f);
    assertThat(backpack.because().triggerItemId()).isEqualTo("B1");
    assertThat(backpack.because().entity()).isEqualTo("backpack");
    assertThat(view.recall("dan", options, 10)).as("switched off").isEmpty();
  }

  @Test
  void sameEntityRecallsOnlyEntitiesThatBuyersRepeat() {
    buy("carol", "S2", "c1");
    assertThat(view.recall("carol", options, 10)).as("nobody has bought two saucers: the others are substitutes")
        .extracting(Candidate::itemId).doesNotContain("S1", "S3");

    catalog();
    buy("zoe", "S1", "z1");
    buy("zoe", "S2", "z2");
    buy("carol", "S2", "c1");
    Candidate saucer = view.recall("carol", options, 10).stream().filter(c -> c.itemId().equals("S1"))
        .findFirst().orElseThrow();
    assertThat(saucer.features()[Features.SAME_ENTITY]).as("one of the four saucer buyers bought two")
        .isGreaterThan(0f);
  }

  @Test
  void unknownUsersHaveNoRecallAndPopularityExcludesWhatTheyBought() {
    assertThat(view.recall("nobody", options, 10)).isEmpty();
    assertThat(view.knownUser("nobody")).isFalse();
    assertThat(view.popular(null, 2, Set.of())).extracting(Candidate::itemId).containsExactly("S1", "S2");
    assertThat(view.popular("x", 2, Set.of())).extracting(Candidate::itemId).containsExactly("S2", "C1");
  }

  @Test
  void replacingAnEdgeKeepsOneEdgeOrderedByWeight() {
    view.putComplement(new Complement("teacup", "cake case", 0.5, 0.5, "evidence"));
    view.putComplement(new Complement("teacup", "saucer", 0.2, 0.2, "evidence"));
    assertThat(view.complements("teacup", 5)).extracting(c -> c.entity() + ":" + c.weight())
        .containsExactly("cake case:0.5", "saucer:0.2");
    assertThat(view.counts().get("complements")).isEqualTo(3L);
  }

  @Test
  void retitlingAnItemMovesItBetweenEntities() {
    view.putItem(new ItemEntities("S3", "NEW CAKE CASES", 1.0, null, List.of("cake case")));
    buy("alice", "T1", "a1");
    assertThat(view.recall("alice", options, 10)).extracting(Candidate::itemId).containsExactly("S1", "S2");
  }

  @Test
  void trainingSamplesBuiltInStepsEqualTheWholeSet() {
    buy("alice", "T1", "a1");
    buy("alice", "S3", "a2");
    buy("bob", "C1", "b1");
    buy("bob", "K1", "b2");
    TrainingSet whole = view.trainingSet(options, 100, 7, 10);
    TrainingSetBuilder builder = view.trainingSetBuilder(options, 100, 7, true, 10);
    int steps = 1;
    while (builder.step(1)) {
      steps++;
    }
    TrainingSet stepped = builder.build();
    assertThat(steps).as("one user per step").isGreaterThan(1);
    assertThat(stepped.labels()).containsExactly(whole.labels());
    assertThat(stepped.groups()).containsExactly(whole.groups());
    assertThat(stepped.features()).isDeepEqualTo(whole.features());
  }

  @Test
  void trainingSamplesLabelWhatTheLastBillBought() {
    buy("alice", "T1", "a1");
    buy("alice", "S3", "a2");
    TrainingSet set = view.trainingSet(options, 100, 7, 10);
    assertThat(set.features().length).isEqualTo(set.labels().length);
    assertThat(set.labels()).containsExactlyInAnyOrder(0f, 0f, 1f);
  }

  @Test
  void trainingSamplesCarryIdentitiesAndBothEntityViews() {
    buy("alice", "T1", "a1");
    buy("alice", "S3", "a2");
    buy("bob", "T1", "b9");
    buy("bob", "S1", "b9");
    TrainingSet set = view.trainingSet(options, 100, 7, 10);
    assertThat(set.ids()).hasSameSizeAs(set.labels());
    assertThat(set.ids()).anySatisfy(id -> {
      assertThat(id.itemId()).isEqualTo("S3");
      assertThat(id.triggerEntity()).isEqualTo("teacup");
      assertThat(id.targetEntity()).isEqualTo("saucer");
    });
    assertThat(set.views().complements()).contains(new EntityLink("teacup", "saucer", 0.9),
        new EntityLink("cake stand", "cake case", 0.6));
    assertThat(set.views().coPurchases()).anySatisfy(link -> {
      assertThat(link.from()).isEqualTo("teacup");
      assertThat(link.to()).isEqualTo("saucer");
      assertThat(link.weight()).isPositive();
    });
    assertThat(set.views().coPurchases()).noneMatch(link -> link.from().equals(link.to()));
  }
}
